// A quick pick over the job history (Show Jobs, Cancel Job, Re-run with Extended Thinking).
import * as vscode from 'vscode';
import type { JobRecord } from '../core/jobs/job';
import { jobTitle } from '../core/jobs/job';
import type { ReviewEngine } from '../core/reviewEngine';
import { formatUsd } from '../core/cost/money';
import { batchStatusLine } from '../protocol/panelMessages';
import type { PendingBatchJob } from './panelModel';

const STATUS_ICON: Record<JobRecord['status'], string> = {
  queued: '$(clock)',
  running: '$(loading~spin)',
  succeeded: '$(pass)',
  failed: '$(error)',
  cancelled: '$(circle-slash)',
  interrupted: '$(debug-disconnect)',
};

/** `pending`: run-later jobs still at the provider, listed first with their batch id. */
export async function pickJob(engine: ReviewEngine, placeHolder: string, filter: (j: JobRecord) => boolean, pending: readonly PendingBatchJob[] = []): Promise<string | undefined> {
  const jobs = engine.jobs.list().filter(filter);
  const waiting = pending.filter((p) => !engine.jobs.get(p.job.id)).map((p) => ({
    label: `$(cloud-upload) ${jobTitle(p.job)}`,
    description: `${p.job.route.tier} · ${p.job.route.model}`,
    detail: `${batchStatusLine(p.batch)} · ${new Date(p.job.createdAt).toLocaleString()} · job ${p.job.id}`,
    id: p.job.id,
  }));
  if (jobs.length === 0 && waiting.length === 0) {
    void vscode.window.showInformationMessage('Deep Review: no matching jobs.');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    [...waiting, ...jobs.map((j) => ({
      label: `${STATUS_ICON[j.status]} ${jobTitle(j)}`,
      description: `${j.route.tier} · ${j.route.model}`,
      detail: `${j.status}${j.costUsd !== undefined ? ` · ${j.costUsd === null ? 'cost unknown' : formatUsd(j.costUsd)}` : ''} · ${new Date(j.createdAt).toLocaleString()} · job ${j.id}`,
      id: j.id,
    }))],
    { placeHolder },
  );
  return picked?.id;
}
