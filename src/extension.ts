// The composition root: builds the runtime, opens the core engine on the extension's storage,
// wires it to the VS Code edge, and registers every entry point. Activation stays light: the
// engine opens its files in the background; commands wait for it.
import * as vscode from 'vscode';
import type { ProviderId } from './core/modelClient';
import { ModelError } from './core/modelError';
import type * as ProviderFactory from './core/providers/providerFactory';
import { ReviewEngine } from './core/reviewEngine';
import type { PanelCostReport } from './protocol/panelMessages';
import { FileTextStore } from './node/fileTextStore';
import { ApiKeys } from './vscode/apiKeys';
import { registerChangeReview } from './vscode/changeReview';
import { DeepReviewCodeActions } from './vscode/codeActions';
import { registerCommands, type CommandTable } from './vscode/commands';
import { CostStatusBar } from './vscode/costStatusBar';
import { FindingsDiagnostics } from './vscode/findingsDiagnostics';
import { FIX_PREVIEW_SCHEME, FixPreviewProvider } from './vscode/fixes';
import { LanguageModelClient, selectLanguageModel } from './vscode/languageModelClient';
import { findingIndex } from './vscode/panelModel';
import { trackActiveEditorProblems } from './vscode/problemsContextKey';
import { chooseProviderAndModels, clearApiKey, setApiKey } from './vscode/providerSetup';
import { ResultsPanel } from './vscode/resultsPanel';
import { ReviewController } from './vscode/reviewController';
import { ExtensionRuntime } from './vscode/runtime';
import { engineSettingsFor, readSettings, type DeepReviewSettings } from './vscode/settings';

/** Returned from `activate` so integration tests can read what has no public VS Code API. */
export interface DeepReviewApi {
  /** Time spent in activate(), for the activation benchmark. */
  activationMs: number;
  costStatusBar(): ReturnType<CostStatusBar['snapshot']>;
  /** Resolves once the engine has opened its storage. */
  ready(): Promise<ReviewEngine>;
  findings(uri: vscode.Uri): readonly vscode.Diagnostic[];
  panel(): ReturnType<ResultsPanel['probe']>;
  /** Shows a finished job's findings in the editor, as a finished review does. */
  findingsShow(uri: vscode.Uri, jobId: string): void;
}

let runtime: ExtensionRuntime | undefined;
let engineForShutdown: Promise<ReviewEngine> | undefined;

// The AI SDK is most of the code; it is a separate bundle loaded on the first model call so
// activation stays light (see esbuild.mjs).
let providerFactory: typeof ProviderFactory | undefined;
function loadProviderFactory(): typeof ProviderFactory {
  providerFactory ??= require('./providers.js') as typeof ProviderFactory;
  return providerFactory;
}

export function activate(context: vscode.ExtensionContext): DeepReviewApi {
  const activationStart = performance.now();
  const rt = new ExtensionRuntime(context);
  runtime = rt;
  context.subscriptions.push(rt);
  const { log } = rt;

  let settings: DeepReviewSettings = readSettings((w) => log.warn(w));
  rt.own(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration('deepReview')) return;
      settings = readSettings((w) => log.warn(w));
      controllerReady.then((c) => c.updateCostMeter(), () => undefined);
    }),
  );
  // `auto` resolves on the first run; until then the engine plans for VS Code's own models.
  let provider: ProviderId = settings.provider === 'auto' ? 'vscode-lm' : settings.provider;
  let languageModelId = '';

  const keys = new ApiKeys(context.secrets);
  const costBar = rt.own(new CostStatusBar());
  const findings = rt.own(new FindingsDiagnostics());
  const fixPreview = new FixPreviewProvider();
  rt.own(vscode.workspace.registerTextDocumentContentProvider(FIX_PREVIEW_SCHEME, fixPreview));
  rt.own(trackActiveEditorProblems());
  const setContext = (key: string, value: boolean) => void vscode.commands.executeCommand('setContext', key, value);

  const engineReady = ReviewEngine.open({
    store: new FileTextStore(context.globalStorageUri.fsPath),
    settings: () => engineSettingsFor(settings, settings.provider === 'auto' ? provider : settings.provider, languageModelId),
    warn: (w) => {
      log.warn(w);
      void vscode.window.showWarningMessage(`Deep Review: ${w}`);
    },
    clientFor: (spec) => {
      if (spec.provider === 'vscode-lm') return new LanguageModelClient();
      const apiKey = keys.peek(spec.provider);
      if (apiKey === undefined && spec.provider !== 'ollama' && spec.provider !== 'openai-compatible') {
        throw new ModelError('auth', `No API key is set for ${spec.provider}. Run “Deep Review: Set API Key”.`);
      }
      return loadProviderFactory().createModelClient({ provider: spec.provider, apiKey, baseUrl: spec.baseUrl, idleTimeoutMs: settings.idleTimeoutMs });
    },
  });

  engineForShutdown = engineReady;
  let panel: ResultsPanel | undefined;
  const controllerReady = engineReady.then((engine) => {
    const controller = new ReviewController({
      engine,
      panel: () => panel!,
      costBar,
      findings,
      fixPreview,
      keys,
      log,
      settings: () => settings,
      setContext,
      resolveProvider: async () => {
        if (settings.provider !== 'auto' && settings.provider !== 'vscode-lm') return (provider = settings.provider);
        const lm = await selectLanguageModel('');
        if (lm) {
          languageModelId = lm.id;
          return (provider = 'vscode-lm');
        }
        if (settings.provider === 'vscode-lm') {
          void vscode.window.showErrorMessage('Deep Review: no VS Code language model is available. Sign in to a model provider (for example GitHub Copilot) or choose another provider.', 'Choose Provider & Models').then((c) => {
            if (c) void vscode.commands.executeCommand('deepReview.chooseProvider');
          });
          return undefined;
        }
        const choice = await vscode.window.showInformationMessage(
          'Deep Review needs a model to send reviews to. Choose a provider (OpenAI, Anthropic, DeepSeek, OpenRouter, Ollama, an OpenAI-compatible server) or sign in to a VS Code language model provider such as GitHub Copilot.',
          'Choose Provider & Models',
          'Open Walkthrough',
        );
        if (choice === 'Choose Provider & Models') await vscode.commands.executeCommand('deepReview.chooseProvider');
        if (choice === 'Open Walkthrough') await vscode.commands.executeCommand('workbench.action.openWalkthrough', 'deep-review.deep-review#deepReview.gettingStarted', false);
        return undefined;
      },
    });
    controller.updateCostMeter();
    return controller;
  });
  controllerReady.catch((err: unknown) => {
    log.error(`Deep Review could not start: ${err instanceof Error ? err.message : String(err)}`);
    void vscode.window.showErrorMessage(`Deep Review could not open its storage: ${err instanceof Error ? err.message : String(err)}`);
  });

  // The panel exists from the start so a reload can revive it; its data comes from the controller.
  panel = rt.own(
    new ResultsPanel(
      context.extensionUri,
      {
        listJobs: () => controllerNow?.listJobs() ?? [],
        jobDetail: (id) => controllerNow?.jobDetail(id),
        keepReasoningExpanded: () => settings.keepReasoningExpanded,
        costReport: () => controllerNow?.costReport() ?? emptyCostReport(),
        onAction: async (m) => (await controllerReady).onAction(m),
      },
      log,
    ),
  );
  let controllerNow: ReviewController | undefined;
  void controllerReady.then((c) => {
    controllerNow = c;
    panel?.refreshJobs();
    panel?.refreshCostReport();
  });
  rt.own(panel.registerSerializer());
  registerChangeReview(context, { engine: engineReady, panel: () => panel!, findings, log, settings: () => settings });
  costBar.update({ todayUsd: 0, monthUsd: 0, sessionUsd: 0, thinkingTokensToday: 0, answerTokensToday: 0, dailyBudgetUsd: settings.engine.budget.dailyUsd, monthlyBudgetUsd: settings.engine.budget.monthlyUsd, runningJobs: 0, unknownCostJobsToday: 0 });

  rt.own(
    vscode.languages.registerCodeActionsProvider(
      { scheme: '*' },
      new DeepReviewCodeActions(findings, (jobId, findingId) => {
        const i = findingIndex(findingId);
        return i !== undefined && controllerNow?.hasFix(jobId, i) === true;
      }),
      DeepReviewCodeActions.metadata,
    ),
  );

  const withController = <A extends unknown[]>(fn: (c: ReviewController, ...args: A) => unknown) => async (...args: A) => fn(await controllerReady, ...args);
  const commands: CommandTable = {
    'deepReview.reviewSelection': withController((c) => c.reviewSelection()),
    'deepReview.reviewFile': withController((c, uri?: unknown) => c.reviewFile(uri instanceof vscode.Uri ? uri : undefined)),
    'deepReview.debugProblemsAtCursor': withController((c) => c.debugProblemsAtCursor()),
    'deepReview.debugProblemsInFile': withController((c, uri?: unknown) => c.debugProblemsInFile(uri instanceof vscode.Uri ? uri : undefined)),
    'deepReview.showResults': (jobId?: unknown) => panel?.show(typeof jobId === 'string' ? jobId : undefined),
    'deepReview.showCostReport': withController(() => panel?.showCostReport()),
    'deepReview.showJobs': withController((c) => c.showJobs()),
    'deepReview.cancelJob': withController((c, jobId?: unknown) => c.cancelJob(typeof jobId === 'string' ? jobId : undefined)),
    'deepReview.chooseProvider': () => chooseProviderAndModels(keys),
    'deepReview.setApiKey': (arg?: unknown) => setApiKey(keys, arg),
    'deepReview.clearApiKey': (arg?: unknown) => clearApiKey(keys, arg),
    'deepReview.clearCache': async () => {
      const n = await (await engineReady).cache.clear();
      void vscode.window.showInformationMessage(`Deep Review: cleared ${n} cached analys${n === 1 ? 'is' : 'es'}.`);
      return n;
    },
    'deepReview.rerunWithExtendedThinking': withController((c, jobId?: unknown) => c.rerunWithExtendedThinking(typeof jobId === 'string' ? jobId : undefined)),
    'deepReview.internal.debugDiagnostics': withController((c, uri?: unknown, diagnostics?: unknown) =>
      c.debugProblemsInFile(uri instanceof vscode.Uri ? uri : undefined, Array.isArray(diagnostics) ? diagnostics.filter((d): d is vscode.Diagnostic => d instanceof vscode.Diagnostic) : undefined),
    ),
    'deepReview.internal.applyFix': withController(async (c, jobId?: unknown, findingId?: unknown) => {
      if (typeof jobId === 'string' && typeof findingId === 'string') await c.onAction({ type: 'applyFix', jobId, findingId });
    }),
    'deepReview.internal.previewFix': withController(async (c, jobId?: unknown, findingId?: unknown) => {
      if (typeof jobId === 'string' && typeof findingId === 'string') await c.onAction({ type: 'previewFix', jobId, findingId });
    }),
  };
  registerCommands(rt, commands);

  const activationMs = performance.now() - activationStart;
  log.info(`Activated in ${activationMs.toFixed(1)} ms`);
  return {
    activationMs,
    costStatusBar: () => costBar.snapshot(),
    ready: () => engineReady,
    findings: (uri) => findings.collection.get(uri) ?? [],
    panel: () => panel!.probe(),
    findingsShow: (uri, jobId) => {
      const job = controllerNow?.job(jobId);
      if (job) findings.show(uri, job);
    },
  };
}

function emptyCostReport(): PanelCostReport {
  const none = { usd: 0, unknownCostJobs: 0, jobs: 0, reasoningTokens: 0, answerTokens: 0 };
  return { today: none, month: none, session: none, dailyBudgetUsd: 0, monthlyBudgetUsd: 0, days: [], models: [], tiers: [], costPerSuccessfulTaskUsd: null };
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
