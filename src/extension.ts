// The composition root: builds the runtime, wires core services to the VS Code edge, and
// registers every entry point. Kept lean: activation runs on startup.
import * as vscode from 'vscode';
import { registerCommands, type CommandTable } from './vscode/commands';
import { CostStatusBar } from './vscode/costStatusBar';
import { trackActiveEditorProblems } from './vscode/problemsContextKey';
import { ResultsPanel } from './vscode/resultsPanel';
import { ExtensionRuntime } from './vscode/runtime';

/** Returned from `activate` so integration tests can read what has no public VS Code API. */
export interface DeepReviewApi {
  costStatusBar(): ReturnType<CostStatusBar['snapshot']>;
}

let runtime: ExtensionRuntime | undefined;

export function activate(context: vscode.ExtensionContext): DeepReviewApi {
  const rt = new ExtensionRuntime(context);
  runtime = rt;
  context.subscriptions.push(rt);

  const costBar = rt.own(new CostStatusBar());
  costBar.update({
    todayUsd: 0,
    monthUsd: 0,
    sessionUsd: 0,
    thinkingTokensToday: 0,
    answerTokensToday: 0,
    dailyBudgetUsd: 0,
    monthlyBudgetUsd: 0,
    runningJobs: 0,
    unknownCostJobsToday: 0,
  });

  const panel = rt.own(
    new ResultsPanel(
      context.extensionUri,
      {
        listJobs: () => [],
        jobDetail: () => undefined,
        keepReasoningExpanded: () => vscode.workspace.getConfiguration('deepReview').get<boolean>('reasoning.keepExpanded', false),
        onAction: () => undefined,
      },
      rt.log,
    ),
  );
  rt.own(panel.registerSerializer());
  rt.own(trackActiveEditorProblems());

  const pending = (what: string) => () => vscode.window.showInformationMessage(`Deep Review: ${what} is not available in this build yet.`);
  const commands: CommandTable = {
    'deepReview.reviewSelection': pending('Review Selection'),
    'deepReview.reviewFile': pending('Review File'),
    'deepReview.debugProblemsAtCursor': pending('Debug Problems at Cursor'),
    'deepReview.debugProblemsInFile': pending('Debug Problems in File'),
    'deepReview.showResults': () => panel.show(),
    'deepReview.showCostReport': pending('the cost report'),
    'deepReview.showJobs': () => panel.show(),
    'deepReview.cancelJob': pending('Cancel Job'),
    'deepReview.chooseProvider': pending('Choose Provider & Models'),
    'deepReview.setApiKey': pending('Set API Key'),
    'deepReview.clearApiKey': pending('Clear API Key'),
    'deepReview.clearCache': pending('Clear Analysis Cache'),
    'deepReview.rerunWithExtendedThinking': pending('Re-run with Extended Thinking'),
    'deepReview.internal.debugDiagnostics': pending('Debug with Deep Review'),
    'deepReview.internal.applyFix': pending('Apply Suggested Fix'),
    'deepReview.internal.previewFix': pending('Preview Suggested Fix'),
  };
  registerCommands(rt, commands);

  return { costStatusBar: () => costBar.snapshot() };
}

export function deactivate(): void {
  runtime?.dispose();
  runtime = undefined;
}
