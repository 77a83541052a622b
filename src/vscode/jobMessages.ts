// The words of a finished job's notification. Pure (no `vscode` import) so unit tests read it.
import { jobTitle, type JobRecord } from '../core/jobs/job';
import { isModelErrorKind, offersRetry } from '../core/modelError';

/** "Review cart.ts:10 (job jm3…) finished: 2 findings." and its variants. */
export function completionText(job: Pick<JobRecord, 'id' | 'request' | 'fromCache' | 'structured' | 'result' | 'route'>): string {
  const what = `${jobTitle(job)} (job ${job.id})`;
  const how = job.fromCache ? 'answered from the cache' : 'finished';
  const n = job.result?.findings.length ?? 0;
  // An answer that came as text has no findings list: "0 findings" would claim a clean bill.
  const outcome = job.structured === false ? 'the answer has no structured findings; it is shown as text' : n === 0 ? 'no findings' : `${n} finding${n === 1 ? '' : 's'}`;
  return `Deep Review: ${what} ${how}: ${outcome}.${job.route.note ? ` ${job.route.note}.` : ''}`;
}

export function failureText(job: Pick<JobRecord, 'id' | 'request' | 'error'>): string {
  return `Deep Review: ${jobTitle(job)} (job ${job.id}) failed: ${job.error?.message ?? 'the job failed.'}`;
}

/** Kinds a setting can fix, and which settings to open for them. */
const SETTINGS_FOR: Partial<Record<string, string>> = {
  config: 'deepReview',
  'not-found': 'deepReview.models',
  'bad-request': 'deepReview',
  'context-too-long': 'deepReview.models',
  // A server that cannot be reached is most often a wrong base URL or a local server not started.
  network: 'deepReview.baseUrl',
  timeout: 'deepReview.network',
};

/** The buttons offered for a failed job, in order. */
export function failureActions(kind: string | undefined): string[] {
  const actions: string[] = [];
  if (kind === 'auth' || kind === 'permission') actions.push('Set API Key');
  if (kind && isModelErrorKind(kind) && offersRetry(kind)) actions.push('Retry');
  if (settingsFor(kind)) actions.push('Open Settings');
  if (kind === 'budget' || kind === 'insufficient-credit') actions.push('Raise Budget');
  actions.push('Open Results');
  return actions;
}

/** The settings that can fix a failure of this kind, if any. */
export function settingsFor(kind: string | undefined): string | undefined {
  return kind ? SETTINGS_FOR[kind] : undefined;
}
