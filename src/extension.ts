// The composition root, wiring only: builds the edge's parts, opens the core engine on the
// extension's storage, starts what needs the engine once it is open, and registers the entry
// points. Activation stays light: the engine opens its files in the background; commands wait.
import * as vscode from 'vscode';
import { ReviewEngine } from './core/reviewEngine';
import { FileTextStore } from './node/fileTextStore';
import { webviewMessageSchema, type HostMessage, type WebviewMessage } from './protocol/panelMessages';
import { ApiKeys } from './vscode/apiKeys';
import { registerBatchJobs } from './vscode/batchJobs';
import { registerChangeReview } from './vscode/changeReview';
import { DeepReviewCodeActions } from './vscode/codeActions';
import { createCommands, registerCommands } from './vscode/commands';
import { CostStatusBar } from './vscode/costStatusBar';
import { FindingsDiagnostics } from './vscode/findingsDiagnostics';
import { FIX_PREVIEW_SCHEME, FixPreviewProvider } from './vscode/fixes';
import { RESULTS_VIEW_TYPE } from './vscode/panelController';
import { trackActiveEditorProblems } from './vscode/problemsContextKey';
import { ProviderResolver } from './vscode/providerResolution';
import { registerTeamMode } from './vscode/teamMode';
import { ExtensionRuntime } from './vscode/runtime';
import { startServices, type Services } from './vscode/services';
import { LiveSettings } from './vscode/settings';
import { trackWalkthroughState, type WalkthroughState } from './vscode/walkthroughState';
import { WebviewHost } from './vscode/webviewHost';

/** Returned from `activate` so integration tests can read what has no public VS Code API. */
export interface DeepReviewApi {
  /** Time spent in activate(), for the activation benchmark. */
  activationMs: number;
  costStatusBar(): ReturnType<CostStatusBar['snapshot']>;
  /** Resolves once the engine has opened its storage. */
  ready(): Promise<ReviewEngine>;
  findings(uri: vscode.Uri): readonly vscode.Diagnostic[];
  panel(): ReturnType<WebviewHost<WebviewMessage, HostMessage>['probe']>;
  /** Shows a finished job's findings in the editor, as a finished review does. */
  findingsShow(uri: vscode.Uri, jobId: string): void;
  walkthrough(): WalkthroughState;
}

let runtime: ExtensionRuntime | undefined;
let engineForShutdown: Promise<ReviewEngine> | undefined;

export function activate(context: vscode.ExtensionContext): DeepReviewApi {
  const activationStart = performance.now();
  const rt = new ExtensionRuntime(context);
  runtime = rt;
  context.subscriptions.push(rt);
  const { log } = rt;

  const settings = rt.own(new LiveSettings((w) => log.warn(w))).current;
  const keys = new ApiKeys(context.secrets);
  const providers = new ProviderResolver(settings, keys);
  const costBar = rt.own(new CostStatusBar());
  const findings = rt.own(new FindingsDiagnostics());
  const fixPreview = new FixPreviewProvider();
  rt.own(vscode.workspace.registerTextDocumentContentProvider(FIX_PREVIEW_SCHEME, fixPreview));
  rt.own(trackActiveEditorProblems());
  const walkthrough = rt.own(trackWalkthroughState(settings, keys, context.secrets));
  // The panel host exists from the start so a reload can revive the panel; content comes later.
  const host = rt.own(
    new WebviewHost<WebviewMessage, HostMessage>({
      viewType: RESULTS_VIEW_TYPE,
      title: 'Deep Review',
      extensionUri: context.extensionUri,
      script: ['dist', 'webview.js'],
      styles: [['dist', 'codicons', 'codicon.css'], ['media', 'panel.css']],
      incoming: webviewMessageSchema,
      log,
    }),
  );
  rt.own(host.registerSerializer());

  const engineReady = ReviewEngine.open({
    store: new FileTextStore(context.globalStorageUri.fsPath),
    settings: () => providers.engineSettings(),
    warn: (w) => {
      log.warn(w);
      void vscode.window.showWarningMessage(`Deep Review: ${w}`);
    },
    clientFor: (spec) => providers.clientFor(spec),
  });
  engineForShutdown = engineReady;
  registerTeamMode(context, engineReady);
  const batch = registerBatchJobs(context, { engineReady, keys, log });
  const servicesReady = engineReady.then((engine) => startServices(engine, { runtime: rt, settings, keys, providers, costBar, findings, fixPreview, host, batch }));
  servicesReady.catch((err: unknown) => {
    const message = err instanceof Error ? err.message : String(err);
    log.error(`Deep Review could not start: ${message}`);
    void vscode.window.showErrorMessage(`Deep Review could not open its storage: ${message}`);
  });
  let services: Services | undefined;
  void servicesReady.then((s) => (services = s));

  registerCommands(rt, createCommands(servicesReady, keys));
  const hasFix = (jobId: string, findingId: string) => services?.panel.hasFix(jobId, findingId) === true;
  rt.own(vscode.languages.registerCodeActionsProvider({ scheme: '*' }, new DeepReviewCodeActions(findings, hasFix), DeepReviewCodeActions.metadata));
  registerChangeReview(context, { engine: engineReady, panel: () => servicesReady.then((s) => s.panel), findings, log, settings, batch });

  const activationMs = performance.now() - activationStart;
  log.info(`Activated in ${activationMs.toFixed(1)} ms`);
  return {
    activationMs,
    costStatusBar: () => costBar.snapshot(),
    ready: () => engineReady,
    findings: (uri) => findings.collection.get(uri) ?? [],
    panel: () => host.probe(),
    findingsShow: (uri, jobId) => {
      const job = services?.engine.jobs.get(jobId);
      if (job) findings.show(uri, job);
    },
    walkthrough: () => walkthrough.state(),
  };
}

/** Lets pending writes (job history, cache recency, wait history) reach the disk first. */
export async function deactivate(): Promise<void> {
  try {
    await (await engineForShutdown)?.flush();
  } catch {
    // Nothing more can be done at shutdown; the stores recover from partial state on start.
  }
  runtime?.dispose();
  runtime = undefined;
}
