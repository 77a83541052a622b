// Commands as data: one table of id → handler, registered in one loop (see rust-analyzer's
// createCommands). The ids match `contributes.commands` in package.json.
import * as vscode from 'vscode';
import type { ExtensionRuntime } from './runtime';

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
