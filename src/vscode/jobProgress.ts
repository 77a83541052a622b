// The cancellable progress notification of one running job: which model and why, the expected
// wait and why it takes long, elapsed time and live thinking tokens. The editor stays free.
import * as vscode from 'vscode';
import type { JobEvent, JobRecord } from '../core/jobs/job';
import { formatCount } from '../core/cost/formatCount';
import type { ReviewEngine } from '../core/reviewEngine';
import { waitLine } from '../core/routing/waitDescription';

const TIER_LABEL = { fast: 'fast model', capable: 'capable model', reasoning: 'reasoning model' } as const;

export function progressTitle(job: Readonly<JobRecord>): string {
  const why = job.route.reasons[0] ? `: ${job.route.reasons[0]}` : '';
  return `Deep Review · job ${job.id} · ${TIER_LABEL[job.route.tier]} ${job.route.model}${why}`;
}


/** Shows the notification until the job ends; resolves with the finished record. */
export function showJobProgress(engine: ReviewEngine, jobId: string, onEvent?: (e: JobEvent) => void): Thenable<JobRecord> {
  const job = engine.jobs.get(jobId);
  if (!job) return Promise.reject(new Error(`unknown job ${jobId}`));
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: progressTitle(job), cancellable: true },
    (progress, token) =>
      new Promise<JobRecord>((resolve) => {
        const started = Date.now();
        let phase = job.status === 'queued' ? 'queued' : 'connecting';
        let thinking = 0;
        let retry = '';
        const render = () => {
          const secs = Math.round((Date.now() - started) / 1000);
          const tokens = thinking > 0 ? ` · ${formatCount(thinking)} thinking tokens` : '';
          progress.report({ message: `${phase} · ${secs} s${tokens}${retry} — ${waitLine(job.route, thinking)}` });
        };
        render();
        const timer = setInterval(render, 1000);
        const cancel = token.onCancellationRequested(() => engine.cancel(jobId));
        const unsubscribe = engine.jobs.subscribe(jobId, (e) => {
          onEvent?.(e);
          if (e.type === 'phase') phase = e.phase === 'connecting' ? 'waiting for the model' : e.phase;
          else if (e.type === 'tokens') thinking = e.reasoningTokens;
          else if (e.type === 'retry') retry = ` · retry ${e.attempt} (${e.reason})`;
          else return;
          render();
        });
        void engine.jobs.whenDone(jobId).then((done) => {
          clearInterval(timer);
          cancel.dispose();
          unsubscribe();
          resolve(done);
        });
      }),
  );
}
