// Definitions of the symbols a target uses, through the language servers: for each identifier
// the target calls, the definition provider (`vscode.executeDefinitionProvider`) at its first
// use, and the definition's block (doc comment and body) around the line it points at.
// Whatever the servers do not answer (none installed, still starting, only an import) falls
// back to the CLI's language-agnostic repository search, and what that does not find either to
// the hover (`vscode.executeHoverProvider`), which knows library symbols. Bounded per call and overall: context never stalls a review.
import * as vscode from 'vscode';
import type { ContextPiece } from '../core/context/contextPiece';
import { DEFAULT_DEFINITION_LIMITS, calledIdentifiers, definitionExtent, searchDefinitions } from '../core/context/definitionSearch';
import type { RepoFiles } from '../core/context/repoFiles';
import { estimateTokens } from '../core/routing/tokens';
import { discoverGuidelines } from '../core/context/guidelines';
import { DEFAULT_CONTEXT_TOKENS, assembleContext } from '../core/context/reviewContext';
import type { ReviewRequestInput } from '../core/requests/request';
import { repoRelativePath, withTimeout, workspaceRepoFiles } from './gitApi';

const CALL_TIMEOUT_MS = 1500;
const TOTAL_TIMEOUT_MS = 5000;
const MAX_HOVER_CHARS = 1500;
const IMPORT_LINE = /^\s*(?:import\b|from\s+\S+\s+import\b|use\s|using\s|#include\b|(?:const|let|var)\s+[^=]+=\s*require\()/;

export interface EditorTarget {
  uri: vscode.Uri;
  /** Repository- or workspace-relative path of the target file. */
  filePath: string;
  /** The target's lines (1-based, inclusive) and their text. */
  startLine: number;
  endLine: number;
  code: string;
  /** The lines the model sees anyway (target plus context): definitions inside are skipped. */
  visibleStart: number;
  visibleEnd: number;
}

/** Where the identifier is first used in the target, as an editor position. */
function firstUse(target: EditorTarget, name: string): vscode.Position | undefined {
  const re = new RegExp(`(?<![\\w$])${name.replace(/[$]/g, '\\$')}(?![\\w$])`);
  const lines = target.code.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = re.exec(lines[i]!);
    if (m) return new vscode.Position(target.startLine - 1 + i, m.index);
  }
  return undefined;
}

/**
 * Where the definition's name is. Its extent is then found the same way the repository search
 * finds it, so the context (and so the cache key) does not change when a language server
 * starts answering between two runs.
 */
function asLocation(l: vscode.Location | vscode.LocationLink): { uri: vscode.Uri; line: number } {
  return 'targetUri' in l ? { uri: l.targetUri, line: (l.targetSelectionRange ?? l.targetRange).start.line } : { uri: l.uri, line: l.range.start.line };
}

function hoverText(hovers: readonly vscode.Hover[] | undefined): string | undefined {
  const parts: string[] = [];
  for (const h of hovers ?? []) {
    for (const c of h.contents) parts.push(typeof c === 'string' ? c : 'value' in c ? c.value : '');
  }
  const text = parts.join('\n').trim();
  return text ? text.slice(0, MAX_HOVER_CHARS) : undefined;
}

async function readLines(uri: vscode.Uri): Promise<string[] | undefined> {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (open) return open.getText().split(/\r?\n/);
  try {
    const bytes = await vscode.workspace.fs.readFile(uri);
    if (bytes.byteLength > DEFAULT_DEFINITION_LIMITS.maxBytesPerFile) return undefined;
    return new TextDecoder('utf-8').decode(bytes).split(/\r?\n/);
  } catch {
    return undefined;
  }
}

/**
 * One identifier's definition through the language server, when it points at source in the
 * repository; null when it points inside what the model sees anyway.
 */
async function viaLanguageServer(target: EditorTarget, root: vscode.Uri, name: string): Promise<ContextPiece | null | undefined> {
  const at = firstUse(target, name);
  if (!at) return undefined;
  const found = await withTimeout(vscode.commands.executeCommand<(vscode.Location | vscode.LocationLink)[]>('vscode.executeDefinitionProvider', target.uri, at), CALL_TIMEOUT_MS);
  for (const raw of found ?? []) {
    const loc = asLocation(raw);
    const path = repoRelativePath(root, loc.uri);
    const line = loc.line + 1;
    if (loc.uri.toString() === target.uri.toString() && line >= target.visibleStart && line <= target.visibleEnd) return null; // already in front of the model
    if (path.startsWith('/') || /(^|\/)node_modules\//.test(path)) break; // outside the repository: the hover says enough
    const lines = await readLines(loc.uri);
    if (!lines) continue;
    // A server may answer with the import that brings the name in; that is not its definition.
    if (IMPORT_LINE.test(lines[loc.line] ?? '')) continue;
    const extent = definitionExtent(lines, loc.line, DEFAULT_DEFINITION_LIMITS.maxLinesPerDefinition);
    const text = lines.slice(extent.start, extent.end + 1).join('\n');
    return { kind: 'definition', path, startLine: extent.start + 1, endLine: extent.end + 1, symbol: name, text, tokens: estimateTokens(text) };
  }
  return undefined;
}

/** What the language server shows on hover, for a symbol with no source to send (a library's). */
async function viaHover(target: EditorTarget, name: string): Promise<ContextPiece | undefined> {
  const at = firstUse(target, name);
  if (!at) return undefined;
  const hover = hoverText(await withTimeout(vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', target.uri, at), CALL_TIMEOUT_MS));
  if (!hover) return undefined;
  // Labelled with the use site: the hover is what the language server knows of the symbol there.
  return { kind: 'definition', path: target.filePath, startLine: at.line + 1, endLine: at.line + 1, symbol: name, text: hover, tokens: estimateTokens(hover) };
}

/**
 * Definitions for the identifiers the target calls, language server first, the repository
 * search for the rest. In the order the target uses them.
 */
export async function editorDefinitions(target: EditorTarget, root: vscode.Uri, repo: RepoFiles, until = Infinity): Promise<ContextPiece[]> {
  const names = calledIdentifiers(target.code);
  const deadline = Math.min(Date.now() + TOTAL_TIMEOUT_MS, until);
  if (names.length === 0 || deadline <= Date.now()) return [];
  const byName = new Map<string, ContextPiece | null>();
  // Two at a time: language servers answer in parallel, but not without limit.
  for (let i = 0; i < names.length && Date.now() < deadline; i += 2) {
    const batch = names.slice(i, i + 2);
    const pieces = await Promise.all(batch.map((n) => viaLanguageServer(target, root, n).catch(() => undefined)));
    batch.forEach((n, k) => {
      const p = pieces[k];
      if (p !== undefined) byName.set(n, p);
    });
  }
  const missing = names.filter((n) => !byName.has(n));
  if (missing.length > 0) {
    const searched = await searchDefinitions(repo, { identifiers: missing, exclude: { path: target.filePath, startLine: target.visibleStart, endLine: target.visibleEnd }, nearPath: target.filePath }, { ...DEFAULT_DEFINITION_LIMITS, timeMs: Math.max(200, deadline - Date.now()) });
    for (const p of searched.pieces) if (p.symbol) byName.set(p.symbol, p);
  }
  // Last, the hover for what has no source in the repository (library symbols).
  for (const name of names.filter((n) => !byName.has(n))) {
    if (Date.now() > deadline) break;
    const p = await viaHover(target, name).catch(() => undefined);
    if (p) byName.set(name, p);
  }
  return names.flatMap((n) => {
    const p = byName.get(n);
    return p ? [p] : [];
  });
}

/**
 * The context a selection or file review sends from the editor: the repository's guidelines
 * and the definitions the target uses, redacted and within `deepReview.context.maxTokens`.
 */
export async function withEditorContext(request: ReviewRequestInput, doc: vscode.TextDocument, redact: boolean): Promise<ReviewRequestInput> {
  const maxTokens = Math.max(0, vscode.workspace.getConfiguration('deepReview').get<number>('context.maxTokens', DEFAULT_CONTEXT_TOKENS));
  const folder = vscode.workspace.getWorkspaceFolder(doc.uri);
  if (maxTokens <= 0 || !folder) return request;
  const repo = workspaceRepoFiles(folder.uri);
  const t = request.target;
  const lines = (s: string | undefined) => (s ? s.split('\n').length : 0);
  const filePath = repoRelativePath(folder.uri, doc.uri);
  const [guidelines, definitions] = await Promise.all([
    discoverGuidelines(repo),
    editorDefinitions({ uri: doc.uri, filePath, startLine: t.startLine, endLine: t.endLine, code: t.code, visibleStart: Math.max(1, t.startLine - lines(t.contextBefore)), visibleEnd: t.endLine + lines(t.contextAfter) }, folder.uri, repo),
  ]);
  const context = await assembleContext([...guidelines, ...definitions], { maxTokens, redact });
  return context.pieces.length > 0 ? { ...request, context: context.pieces } : request;
}
