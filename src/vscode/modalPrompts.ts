// The confirm step's modal questions. A modal dialog has no API a test could answer, so the
// hidden command `deepReview.internal.answerPrompts` queues the answers the next questions get
// (and returns what was asked since); with nothing queued, the user is asked as usual.
import * as vscode from 'vscode';

const queued: (string | undefined)[] = [];
const asked: string[] = [];

/** Shows a modal question; resolves to the chosen item, or undefined when dismissed. */
export function askModal(kind: 'warning' | 'info', message: string, detail: string | undefined, ...items: string[]): Thenable<string | undefined> {
  if (queued.length > 0) {
    asked.push(`${message} [${items.join(' | ')}]`);
    const answer = queued.shift();
    return Promise.resolve(answer !== undefined && items.includes(answer) ? answer : undefined);
  }
  const show = kind === 'warning' ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
  return show(message, { modal: true, detail }, ...items);
}

/** For the integration tests: queue answers (null = dismiss); returns the questions asked since the last call. */
export function registerModalAnswers(): vscode.Disposable {
  return vscode.commands.registerCommand('deepReview.internal.answerPrompts', (answers?: unknown) => {
    if (Array.isArray(answers)) for (const a of answers) queued.push(typeof a === 'string' ? a : undefined);
    return asked.splice(0);
  });
}
