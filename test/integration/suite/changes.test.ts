// Review Changes in the real VS Code host on a real git repository: two changed files, one
// calling a function defined in an unchanged third file. Run as the Source Control title bar
// runs it (with the git SourceControl as argument); per-file results in the panel, the
// definition and the guidelines in "Context sent", findings on changed lines as diagnostics in
// both files, the finding on an unchanged line dropped.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { PanelChangeSet } from '../../../src/protocol/panelMessages';
import { ModelServer } from '../../support/modelServer';
import { findingsOnLines as answer, numberedSource } from '../../support/changeFixtures';
import { activateExtension, waitFor, type Manifest } from './helpers';

interface GitRepo {
  rootUri: vscode.Uri;
  state: { workingTreeChanges: unknown[]; untrackedChanges?: unknown[] };
  status(): Promise<void>;
}

describe('Review Changes in VS Code (real git repository, local test model server)', function () {
  this.timeout(120_000);
  let server: ModelServer;
  const config = () => vscode.workspace.getConfiguration('deepReview');
  const G = vscode.ConfigurationTarget.Global;
  const keys = ['provider', 'baseUrl', 'routing.mode', 'budget.dailyUsd', 'budget.monthlyUsd', 'budget.confirmAboveUsd', 'notifications.onCompletion', 'capture.contextLines'];

  before(async () => {
    server = await ModelServer.start();
    await activateExtension();
    const values: Record<string, unknown> = { provider: 'anthropic', baseUrl: server.url('/v1'), 'routing.mode': 'alwaysReasoning', 'budget.dailyUsd': 0, 'budget.monthlyUsd': 0, 'budget.confirmAboveUsd': 0, 'notifications.onCompletion': 'never', 'capture.contextLines': 2 };
    for (const [k, v] of Object.entries(values)) await config().update(k, v, G);
    await vscode.commands.executeCommand('deepReview.setApiKey', { provider: 'anthropic', key: 'sk-ant-changes-0123456789' });
  });

  after(async () => {
    await server.close();
    for (const k of keys) await config().update(k, undefined, G);
  });

  it('is in the Source Control title bar for git repositories and in the palette', async () => {
    const { ext } = await activateExtension();
    const manifest = ext.packageJSON as Manifest;
    const scm = manifest.contributes.menus['scm/title'] ?? [];
    assert.ok(scm.some((m) => m.command === 'deepReview.reviewChanges' && m.when === 'scmProvider == git'));
    assert.equal(manifest.contributes.commands.find((c) => c.command === 'deepReview.reviewChanges')?.title, 'Review Changes');
  });

  it('reviews uncommitted changes per file, with guidelines and a definition from an unchanged file as context', async () => {
    const { api } = await activateExtension();
    const folder = vscode.workspace.workspaceFolders![0]!.uri;
    const dir = join(folder.fsPath, 'changes-repo');
    mkdirSync(dir, { recursive: true });
    const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8' });
    git('init', '-q', '-b', 'main');
    git('config', 'user.email', 'test@example.com');
    git('config', 'user.name', 'Test');
    writeFileSync(join(dir, 'scoring.ts'), 'export function clampScore(score: number): number {\n  return Math.min(100, Math.max(0, score));\n}\n');
    writeFileSync(join(dir, 'a.ts'), `import { clampScore } from './scoring';\n${numberedSource('a').split('\n').slice(1).join('\n')}`);
    writeFileSync(join(dir, 'b.ts'), numberedSource('b'));
    writeFileSync(join(dir, 'AGENTS.md'), '# Review rules\nINTEGRATION-GUIDELINE: scores are always clamped.\n');
    git('add', '.');
    git('commit', '-q', '-m', 'initial');
    writeFileSync(join(dir, 'a.ts'), `import { clampScore } from './scoring';\n${numberedSource('a', { 4: 'export const a4 = clampScore(400);', 9: 'export const a9 = 90;' }).split('\n').slice(1).join('\n')}`);
    writeFileSync(join(dir, 'b.ts'), numberedSource('b', { 4: 'export const b4 = 40;', 9: 'export const b9 = 90;' }));

    await vscode.commands.executeCommand('git.openRepository', dir);
    const gitApi = vscode.extensions.getExtension<{ getAPI(v: 1): { repositories: GitRepo[] } }>('vscode.git')!.exports.getAPI(1);
    const repo = await waitFor('the git extension to open the repository', () => gitApi.repositories.find((r) => r.rootUri.fsPath === dir), 30_000);
    await repo.status();
    await waitFor('the git extension to see both changes', () => repo.state.workingTreeChanges.length >= 2, 30_000);

    // Line 4 changed (kept); line 6 lies between the changes but is unchanged (dropped).
    server.enqueue(answer([4, 6]), answer([4, 6]));
    const before = server.requests.length;
    const view = await vscode.commands.executeCommand<PanelChangeSet>('deepReview.reviewChanges', { rootUri: repo.rootUri }, 'uncommitted');
    assert.ok(view, 'the command returns the change set');
    assert.equal(server.requests.length, before + 2, 'one request per changed file');
    assert.equal(view.description, 'uncommitted changes');
    assert.deepEqual(view.files.map((f) => f.filePath), ['a.ts', 'b.ts']);
    for (const f of view.files) {
      assert.equal(f.status, 'succeeded');
      assert.deepEqual(f.findings.map((x) => x.startLine), [4], `${f.filePath}: the finding on a changed line only`);
      assert.equal(f.droppedOutsideChange, 1);
    }
    const a = view.files[0]!;
    assert.ok(a.context.some((c) => c.kind === 'guidelines' && c.label === 'AGENTS.md:1-2' && c.tokens > 0), JSON.stringify(a.context));
    assert.ok(a.context.some((c) => c.kind === 'definition' && c.symbol === 'clampScore' && c.label.startsWith('scoring.ts:1') && c.tokens > 0), JSON.stringify(a.context));
    const aBody = server.requests.slice(before).map((r) => r.rawBody).find((b) => b.includes('clampScore(400)'));
    assert.ok(aBody);
    assert.match(aBody, /INTEGRATION-GUIDELINE/);
    assert.match(aBody, /Math\.min\(100, Math\.max\(0, score\)\)/);

    const shown = await waitFor('the panel to show the change set', () => {
      const sent = api.panel().sent;
      for (let i = sent.length - 1; i >= 0; i--) {
        const m = sent[i] as { type: string; set?: PanelChangeSet };
        if (m.type === 'changeSet' && m.set && m.set.done === 2) return m.set;
      }
      return undefined;
    }, 20_000);
    assert.deepEqual(shown.files.map((f) => [f.filePath, f.findings.length]), [['a.ts', 1], ['b.ts', 1]]);
    assert.ok(shown.files[0]!.context.some((c) => c.symbol === 'clampScore'));

    for (const name of ['a.ts', 'b.ts']) {
      const uri = vscode.Uri.file(join(dir, name));
      const diagnostics = await waitFor(`diagnostics in ${name}`, () => (api.findings(uri).length > 0 ? api.findings(uri) : undefined));
      assert.deepEqual(diagnostics.map((d) => d.range.start.line + 1), [4], `${name}: the changed line only`);
    }

    // Edit one file: only that file is sent again; the other comes from the cache.
    writeFileSync(join(dir, 'b.ts'), numberedSource('b', { 4: 'export const b4 = 41;', 9: 'export const b9 = 90;' }));
    await repo.status();
    server.enqueue(answer([4]));
    const afterFirst = server.requests.length;
    const again = await vscode.commands.executeCommand<PanelChangeSet>('deepReview.reviewChanges', { rootUri: repo.rootUri }, 'uncommitted');
    assert.equal(server.requests.length, afterFirst + 1, `one request, for the edited file (a.ts context before ${JSON.stringify(view.files[0]!.context)}, after ${JSON.stringify(again.files[0]!.context)})`);
    assert.match(server.requests.at(-1)!.rawBody, /b4 = 41/);
    assert.deepEqual(again.files.map((f) => [f.filePath, f.status]), [['a.ts', 'succeeded'], ['b.ts', 'succeeded']]);

    if (process.env.DEEP_REVIEW_SCREENSHOTS) {
      // README picture: the change set in the panel next to the changed file.
      await vscode.commands.executeCommand('notifications.clearAll');
      await vscode.window.showTextDocument(vscode.Uri.file(join(dir, 'a.ts')), { viewColumn: vscode.ViewColumn.One });
      await vscode.commands.executeCommand('deepReview.reviewChanges', { rootUri: repo.rootUri }, 'uncommitted');
      await new Promise((r) => setTimeout(r, 1500));
      await vscode.commands.executeCommand('notifications.clearAll');
      console.log('[screenshot] review-changes');
      await new Promise((r) => setTimeout(r, 2000));
    }
  });

  it('a selection review gains the same context: the definition of what it calls', async () => {
    const { api } = await activateExtension();
    const engine = await api.ready();
    const folder = vscode.workspace.workspaceFolders![0]!.uri;
    const editor = await vscode.window.showTextDocument(vscode.Uri.joinPath(folder, 'changes-repo', 'a.ts'), { viewColumn: vscode.ViewColumn.One });
    editor.selection = new vscode.Selection(3, 0, 3, editor.document.lineAt(3).text.length);
    server.enqueue(answer([4]));
    const jobId = await vscode.commands.executeCommand<string>('deepReview.reviewSelection');
    const job = await engine.jobs.whenDone(jobId);
    assert.equal(job.status, 'succeeded', job.error?.message);
    assert.deepEqual(job.request.context?.map((p) => `${p.path}:${p.startLine}-${p.endLine}`), ['changes-repo/scoring.ts:1-3']);
    assert.match(server.requests.at(-1)!.rawBody, /Definition of clampScore \(changes-repo\/scoring\.ts:1-3\)/);
  });

  it('staged changes: the index content, not the working tree; against a branch: the branch\'s commits', async () => {
    const folder = vscode.workspace.workspaceFolders![0]!.uri;
    const dir = join(folder.fsPath, 'changes-repo');
    const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8' });
    const gitApi = vscode.extensions.getExtension<{ getAPI(v: 1): { repositories: GitRepo[] } }>('vscode.git')!.exports.getAPI(1);
    const repo = gitApi.repositories.find((r) => r.rootUri.fsPath === dir)!;
    git('add', 'b.ts');
    writeFileSync(join(dir, 'b.ts'), numberedSource('b', { 4: 'export const b4 = UNSTAGED_EDIT;', 9: 'export const b9 = 90;' }));
    await repo.status();
    server.enqueue(answer([4]));
    const before = server.requests.length;
    const staged = await vscode.commands.executeCommand<PanelChangeSet>('deepReview.reviewChanges', { rootUri: repo.rootUri }, 'staged');
    assert.equal(staged.description, 'staged changes');
    assert.deepEqual(staged.files.map((f) => [f.filePath, f.status ?? f.skipped]), [['b.ts', 'succeeded']]);
    assert.equal(server.requests.length, before + 1);
    assert.match(server.requests.at(-1)!.rawBody, /b4 = 41/, 'the staged content');
    assert.doesNotMatch(server.requests.at(-1)!.rawBody, /UNSTAGED_EDIT/);

    git('checkout', '-q', '-b', 'feature');
    git('commit', '-q', '-am', 'feature work');
    await repo.status();
    server.enqueue(answer([4]), answer([4]));
    const onBranch = await vscode.commands.executeCommand<PanelChangeSet>('deepReview.reviewChanges', { rootUri: repo.rootUri }, 'main');
    assert.equal(onBranch.description, 'changes against main');
    assert.deepEqual(onBranch.files.map((f) => f.filePath), ['a.ts', 'b.ts']);
    assert.ok(onBranch.files.every((f) => f.status === 'succeeded'));
  });
});
