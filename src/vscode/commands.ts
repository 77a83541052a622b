// Commands as data: one table of id → handler, registered in one loop (see rust-analyzer's
// createCommands). The ids match `contributes.commands` in package.json.
import * as vscode from 'vscode';
import type { ApiKeys } from './apiKeys';
import { chooseProviderAndModels, clearApiKey, setApiKey } from './providerSetup';
import type { ExtensionRuntime } from './runtime';
import type { Services } from './services';

export type CommandHandler = (...args: unknown[]) => unknown;
export type CommandTable = Record<string, CommandHandler>;

export function registerCommands(runtime: ExtensionRuntime, table: CommandTable): void {
  for (const [id, handler] of Object.entries(table)) {
    runtime.own(
      vscode.commands.registerCommand(id, async (...args: unknown[]) => {
        try {
          return await handler(...args);
        } catch (err) {
          const message = err instanceof Error ? err.message : String(err);
          runtime.log.error(`${id} failed: ${message}`);
          void vscode.window.showErrorMessage(`Deep Review: ${message}`);
          return undefined;
        }
      }),
    );
  }
}

const uriArg = (v: unknown) => (v instanceof vscode.Uri ? v : undefined);
const stringArg = (v: unknown) => (typeof v === 'string' ? v : undefined);

/** Every contributed command; the ones that need the engine wait for it to open. */
export function createCommands(ready: Promise<Services>, keys: ApiKeys): CommandTable {
  const when = <A extends unknown[]>(fn: (s: Services, ...args: A) => unknown) => async (...args: A) => fn(await ready, ...args);
  const fixAction = (type: 'applyFix' | 'previewFix') =>
    when(async (s, jobId?: unknown, findingId?: unknown) => {
      if (typeof jobId === 'string' && typeof findingId === 'string') await s.panel.perform({ type, jobId, findingId });
    });
  return {
    'deepReview.reviewSelection': when((s) => s.reviews.reviewSelection()),
    'deepReview.reviewFile': when((s, uri?: unknown) => s.reviews.reviewFile(uriArg(uri))),
    'deepReview.debugProblemsAtCursor': when((s) => s.reviews.debugProblemsAtCursor()),
    'deepReview.debugProblemsInFile': when((s, uri?: unknown) => s.reviews.debugProblemsInFile(uriArg(uri))),
    'deepReview.showResults': when((s, jobId?: unknown) => s.panel.show(stringArg(jobId))),
    'deepReview.showCostReport': when((s) => s.panel.showCostReport()),
    'deepReview.showJobs': when((s) => s.panel.showJobs()),
    'deepReview.cancelJob': when((s, jobId?: unknown) => s.reviews.cancelJob(stringArg(jobId))),
    'deepReview.rerunWithExtendedThinking': when((s, jobId?: unknown) => s.reviews.rerunWithExtendedThinking(stringArg(jobId))),
    'deepReview.chooseProvider': () => chooseProviderAndModels(keys),
    'deepReview.setApiKey': (arg?: unknown) => setApiKey(keys, arg),
    'deepReview.clearApiKey': (arg?: unknown) => clearApiKey(keys, arg),
    'deepReview.clearCache': when(async (s) => {
      const n = await s.engine.cache.clear();
      void vscode.window.showInformationMessage(`Deep Review: cleared ${n} cached analys${n === 1 ? 'is' : 'es'}.`);
      return n;
    }),
    'deepReview.internal.debugDiagnostics': when((s, uri?: unknown, diagnostics?: unknown) =>
      s.reviews.debugProblemsInFile(uriArg(uri), Array.isArray(diagnostics) ? diagnostics.filter((d): d is vscode.Diagnostic => d instanceof vscode.Diagnostic) : undefined),
    ),
    'deepReview.internal.applyFix': fixAction('applyFix'),
    'deepReview.internal.previewFix': fixAction('previewFix'),
  };
}
