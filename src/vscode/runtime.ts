// One object owns everything the extension creates, so deactivation disposes it all.
import * as vscode from 'vscode';

export class ExtensionRuntime implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  readonly log: vscode.LogOutputChannel;

  constructor(readonly context: vscode.ExtensionContext) {
    this.log = this.own(vscode.window.createOutputChannel('Deep Review', { log: true }));
  }

  /** Registers a disposable with the runtime and returns it. */
  own<T extends vscode.Disposable>(disposable: T): T {
    this.disposables.push(disposable);
    return disposable;
  }

  dispose(): void {
    while (this.disposables.length) {
      try {
        this.disposables.pop()?.dispose();
      } catch (err) {
        console.error('Deep Review: error while disposing', err);
      }
    }
  }
}
