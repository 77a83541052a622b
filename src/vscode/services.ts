// Everything that needs the opened engine, built once it is open: the review controller, the
// panel controller, notifications and the job-state feed. Each piece is handed what it needs;
// none reaches back here.
import type * as vscode from 'vscode';
import type { ReviewEngine } from '../core/reviewEngine';
import type { HostMessage, WebviewMessage } from '../protocol/panelMessages';
import type { ApiKeys } from './apiKeys';
import type { BatchJobsHandle } from './batchJobs';
import type { CostStatusBar } from './costStatusBar';
import type { FindingsDiagnostics } from './findingsDiagnostics';
import { uriForJob, type FixPreviewProvider } from './fixes';
import { notifyJobDone } from './jobNotifications';
import { feedJobState } from './jobStateFeed';
import { PanelController } from './panelController';
import type { ProviderResolver } from './providerResolution';
import { ReviewController } from './reviewController';
import type { ExtensionRuntime } from './runtime';
import type { DeepReviewSettings } from './settings';
import type { WebviewHost } from './webviewHost';

export interface EdgeParts {
  runtime: ExtensionRuntime;
  settings: () => DeepReviewSettings;
  keys: ApiKeys;
  providers: ProviderResolver;
  costBar: CostStatusBar;
  findings: FindingsDiagnostics;
  fixPreview: FixPreviewProvider;
  host: WebviewHost<WebviewMessage, HostMessage>;
  /** Run later at half price (src/vscode/batchJobs.ts). */
  batch: BatchJobsHandle;
}

export interface Services {
  engine: ReviewEngine;
  reviews: ReviewController;
  panel: PanelController;
}

export function startServices(engine: ReviewEngine, p: EdgeParts): Services {
  const own = <T extends vscode.Disposable>(d: T) => p.runtime.own(d);
  const { log } = p.runtime;
  const reviews = own(new ReviewController({ engine, providers: p.providers, keys: p.keys, log, settings: p.settings, runLater: (plan) => p.batch.submitPlan(plan) }));
  const panel = own(new PanelController({ engine, host: p.host, runs: reviews, findings: p.findings, fixPreview: p.fixPreview, settings: p.settings, batch: p.batch }));
  own(feedJobState(engine, p.costBar, p.settings));
  own(
    reviews.onDidFinish((job) => {
      if (job.status === 'succeeded') p.findings.show(uriForJob(job), job);
      notifyJobDone(job, {
        settings: p.settings,
        panelVisible: () => panel.isVisible,
        openResults: (id) => panel.show(id),
        retry: (id) => reviews.retry(id),
        rerunWithExtendedThinking: (id) => reviews.rerunWithExtendedThinking(id),
      }).catch((err: unknown) => log.error(`Notification action failed: ${err instanceof Error ? err.message : String(err)}`));
    }),
  );
  return { engine, reviews, panel };
}
