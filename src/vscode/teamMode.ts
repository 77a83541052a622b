// Team mode in VS Code: with `deepReview.team.serverUrl` set, reviews go to the team server with
// the member token kept in SecretStorage. Results join the local job list (so the results panel,
// findings and history show them) but not the local ledger: the team pays, the server counts.
// One call from extension.ts: registerTeamMode(context, engineReady).
import * as vscode from 'vscode';
import type { JobRecord } from '../core/jobs/job';
import type { ReviewRequestInput } from '../core/requests/request';
import type { ReviewEngine } from '../core/reviewEngine';
import { TeamAuthError, TeamClient, type TeamEvent } from '../server/teamHttpClient';
import { CaptureError, fileRequest, selectionRequest } from './capture';
import { TeamSpendBar } from './teamSpendBar';

export const TEAM_TOKEN_SECRET = 'deepReview.team.token';
const REFRESH_MS = 60_000;

export interface TeamMode {
  /** The server URL when team mode is on. */
  serverUrl(): string | undefined;
  spendText(): string;
  /** What the team commands run, for a controller that routes its own commands here when team mode is on. */
  reviewSelection(): Promise<unknown>;
  reviewFile(uri?: vscode.Uri): Promise<unknown>;
}

export function registerTeamMode(context: vscode.ExtensionContext, engineReady: Promise<ReviewEngine>): TeamMode {
  const bar = new TeamSpendBar();
  context.subscriptions.push(bar);
  const serverUrl = () => vscode.workspace.getConfiguration('deepReview').get<string>('team.serverUrl', '').trim() || undefined;
  const client = async (): Promise<TeamClient | undefined> => {
    const url = serverUrl();
    const token = await context.secrets.get(TEAM_TOKEN_SECRET);
    return url && token ? new TeamClient(url, token) : undefined;
  };

  const refreshSpend = async (): Promise<void> => {
    const url = serverUrl();
    if (!url) return bar.hide();
    const c = await client();
    if (!c) return bar.problem('team: no token', 'Run “Deep Review: Set Team Token” with the token your team admin gave you.');
    try {
      bar.show(await c.spend());
    } catch (err) {
      if (err instanceof TeamAuthError) bar.problem('team: token refused', err.message);
      else bar.problem('team: offline', `Could not reach ${url}: ${err instanceof Error ? err.message : String(err)}`);
    }
  };

  const review = async (capture: () => ReviewRequestInput, fileText: string): Promise<JobRecord | undefined> => {
    const url = serverUrl();
    if (!url) {
      void vscode.window.showInformationMessage('Deep Review: set `deepReview.team.serverUrl` to use team mode.');
      return undefined;
    }
    let c = await client();
    if (!c) {
      await vscode.commands.executeCommand('deepReview.setTeamToken');
      c = await client();
      if (!c) return undefined;
    }
    let request: ReviewRequestInput;
    try {
      request = capture();
    } catch (err) {
      if (err instanceof CaptureError) {
        void vscode.window.showInformationMessage(`Deep Review: ${err.message}`);
        return undefined;
      }
      throw err;
    }
    const documentUri = request.target.documentUri;
    const team = c;
    const record = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Deep Review (team)', cancellable: true }, async (progress, token) => {
      const abort = new AbortController();
      token.onCancellationRequested(() => abort.abort());
      const submitted = await team.submit(request, fileText);
      progress.report({ message: submitted.cached ? 'answered from the team cache' : submitted.joined ? 'joined a teammate’s identical request' : `queued for ${submitted.route.model}` });
      return team.follow(submitted.jobId, { signal: abort.signal, onEvent: (e) => reportProgress(progress, e) });
    });
    // The editor's URI stays on this machine: the server never saw it; put it back for the findings.
    const local: JobRecord = { ...record, request: { ...record.request, target: { ...record.request.target, documentUri } } };
    (await engineReady).jobs.record(local);
    void vscode.commands.executeCommand('deepReview.showResults', local.id);
    if (local.status !== 'succeeded') void vscode.window.showErrorMessage(`Deep Review (team): ${local.error?.message ?? `the job ended as ${local.status}`}`);
    void refreshSpend();
    return local;
  };

  const contextLines = () => vscode.workspace.getConfiguration('deepReview').get<number>('capture.contextLines', 20);
  const commands: Record<string, (...args: unknown[]) => unknown> = {
    'deepReview.setTeamToken': async (arg?: unknown) => {
      const token =
        typeof arg === 'string'
          ? arg
          : await vscode.window.showInputBox({
              title: 'Deep Review: team token',
              prompt: 'The member token your team admin created with “deep-review team add-member”. Stored in VS Code’s secret storage only.',
              password: true,
              ignoreFocusOut: true,
              validateInput: (v) => (/^\S{8,512}$/.test(v.trim()) ? undefined : 'Paste the whole token (it starts with drt_).'),
            });
      if (!token?.trim()) return false;
      await context.secrets.store(TEAM_TOKEN_SECRET, token.trim());
      await refreshSpend();
      return true;
    },
    'deepReview.clearTeamToken': async () => {
      await context.secrets.delete(TEAM_TOKEN_SECRET);
      await refreshSpend();
    },
    // Returns what the status bar shows (there is no API to read status-bar items).
    'deepReview.team.refreshSpend': async () => {
      await refreshSpend();
      return bar.text();
    },
    'deepReview.team.reviewSelection': async () => {
      const editor = vscode.window.activeTextEditor;
      if (!editor) return undefined;
      return review(() => selectionRequest(editor, contextLines()), editor.document.getText());
    },
    'deepReview.team.reviewFile': async (uri?: unknown) => {
      const doc = uri instanceof vscode.Uri ? await vscode.workspace.openTextDocument(uri) : vscode.window.activeTextEditor?.document;
      if (!doc) return undefined;
      return review(() => fileRequest(doc), doc.getText());
    },
  };
  for (const [id, handler] of Object.entries(commands)) {
    context.subscriptions.push(
      vscode.commands.registerCommand(id, async (...args: unknown[]) => {
        try {
          return await handler(...args);
        } catch (err) {
          void vscode.window.showErrorMessage(`Deep Review (team): ${err instanceof Error ? err.message : String(err)}`);
          return undefined;
        }
      }),
    );
  }
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('deepReview.team.serverUrl')) void refreshSpend();
    }),
    context.secrets.onDidChange((e) => {
      if (e.key === TEAM_TOKEN_SECRET) void refreshSpend();
    }),
  );
  const timer = setInterval(() => void refreshSpend(), REFRESH_MS);
  context.subscriptions.push({ dispose: () => clearInterval(timer) });
  void refreshSpend();
  return {
    serverUrl,
    spendText: () => bar.text(),
    reviewSelection: async () => commands['deepReview.team.reviewSelection']!(),
    reviewFile: async (uri) => commands['deepReview.team.reviewFile']!(uri),
  };
}

function reportProgress(progress: vscode.Progress<{ message?: string }>, e: TeamEvent): void {
  const d = e.data as { phase?: string; reasoningTokens?: number; outcome?: string; message?: string };
  if (e.type === 'phase' && d.phase) progress.report({ message: d.phase });
  else if (e.type === 'tokens' && d.reasoningTokens !== undefined) progress.report({ message: `thinking · ${d.reasoningTokens.toLocaleString('en-US')} tokens` });
  else if (e.type === 'attempt' && d.outcome !== 'started' && d.message) progress.report({ message: d.message });
}
