// Team mode in the real VS Code host against a running team server: a throwaway PostgreSQL,
// the built CLI's server and worker as child processes, the fast local model server as the
// provider. The member token goes into SecretStorage; reviews go to the server; the status bar
// shows the member's and the team's spend; a revoked token is refused.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { JobRecord } from '../../../src/core/jobs/job';
import { FastModelServer } from '../../server/support/fastModel';
import { testDatabase } from '../../server/support/postgres';
import { addMember, startServer, startWorker, teamCli, type Proc } from '../../server/support/teamProcesses';
import { activateExtension } from './helpers';

describe('team mode in VS Code (running team server)', function () {
  this.timeout(120_000);
  let db: string;
  let model: FastModelServer;
  let server: Proc & { url: string };
  let worker: Proc;
  let token: string;

  before(async () => {
    db = await testDatabase('vscode_team');
    assert.equal((await teamCli(['team', 'init'], db)).code, 0);
    token = await addMember(db, 'vs-code-member');
    model = await FastModelServer.start(50);
    worker = await startWorker(db, { baseUrl: model.baseUrl });
    server = await startServer(db);
    await activateExtension();
    await vscode.workspace.getConfiguration('deepReview').update('team.serverUrl', server.url, vscode.ConfigurationTarget.Global);
  });

  after(async () => {
    await vscode.commands.executeCommand('deepReview.clearTeamToken');
    await vscode.workspace.getConfiguration('deepReview').update('team.serverUrl', undefined, vscode.ConfigurationTarget.Global);
    await Promise.all([server?.stop(), worker?.stop()]);
    await model?.close();
  });

  async function openSelection(from: number, to: number): Promise<vscode.TextEditor> {
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!folder) throw new Error('the test workspace is not open');
    const editor = await vscode.window.showTextDocument(vscode.Uri.joinPath(folder.uri, 'sample.ts'), { viewColumn: vscode.ViewColumn.One });
    editor.selection = new vscode.Selection(from, 0, to, editor.document.lineAt(to).text.length);
    return editor;
  }

  it('sends a review to the team server with the token from secret storage, and shows the result and the spend', async () => {
    const { api } = await activateExtension();
    assert.equal(await vscode.commands.executeCommand('deepReview.setTeamToken', token), true);
    await openSelection(1, 3);
    const record = await vscode.commands.executeCommand<JobRecord | undefined>('deepReview.team.reviewSelection');
    assert.ok(record, 'the review returned its record');
    assert.equal(record.status, 'succeeded', record.error?.message);
    assert.match(record.result?.summary ?? '', /^Reviewed /);
    assert.equal(record.fromCache, false);
    assert.equal(model.requests, 1, 'the worker called the model once');
    const engine = await api.ready();
    assert.equal(engine.jobs.get(record.id)?.status, 'succeeded', 'the result joins the local job list and the panel');
    assert.ok(record.request.target.documentUri?.endsWith('sample.ts'), 'findings map back to the open document');
    const text = await vscode.commands.executeCommand<string>('deepReview.team.refreshSpend');
    assert.match(text, /you (\$\d+\.\d\d|<\$0\.01) · team (\$\d+\.\d\d|<\$0\.01) today/);
    assert.equal(engine.ledger.records().filter((r) => r.jobId === record.id).length, 0, 'the team pays: nothing in the local ledger');
  });

  it('answers the same question again from the team cache without a model call', async () => {
    await openSelection(1, 3);
    const record = await vscode.commands.executeCommand<JobRecord | undefined>('deepReview.team.reviewSelection');
    assert.equal(record?.fromCache, true);
    assert.equal(model.requests, 1);
  });

  it('a revoked token is refused: nothing is sent and the status bar says so', async () => {
    assert.equal((await teamCli(['team', 'revoke-member', 'vs-code-member'], db)).code, 0);
    await openSelection(4, 6);
    const record = await vscode.commands.executeCommand<JobRecord | undefined>('deepReview.team.reviewSelection');
    assert.equal(record, undefined);
    assert.equal(model.requests, 1);
    assert.match(await vscode.commands.executeCommand<string>('deepReview.team.refreshSpend'), /token refused/);
  });
});
