// Definitions of the symbols a target uses, through the language servers: for each identifier
// the target calls, the definition provider (`vscode.executeDefinitionProvider`) at its first
// use; the definition's full range when the server gives one, else the block around its line;
// the hover (`vscode.executeHoverProvider`) when there is no source to show (a library symbol).
// Whatever the servers do not answer (none installed, still starting) falls back to the CLI's
// language-agnostic repository search. Bounded per call and overall: context never stalls a review.
import * as vscode from 'vscode';
import type { ContextPiece } from '../core/context/contextPiece';
import { DEFAULT_DEFINITION_LIMITS, calledIdentifiers, definitionExtent, searchDefinitions } from '../core/context/definitionSearch';
import type { RepoFiles } from '../core/context/repoFiles';
import { estimateTokens } from '../core/tokens';
import { repoRelativePath, withTimeout } from './gitApi';

const CALL_TIMEOUT_MS = 1500;
const TOTAL_TIMEOUT_MS = 5000;
const MAX_HOVER_CHARS = 1500;

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

function asLocation(l: vscode.Location | vscode.LocationLink): { uri: vscode.Uri; range: vscode.Range; full: boolean } {
  return 'targetUri' in l ? { uri: l.targetUri, range: l.targetRange, full: true } : { uri: l.uri, range: l.range, full: false };
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

/** One identifier through the language server: its definition's source, or its hover. */
async function viaLanguageServer(target: EditorTarget, root: vscode.Uri, name: string): Promise<ContextPiece | undefined> {
  const at = firstUse(target, name);
  if (!at) return undefined;
  const found = await withTimeout(vscode.commands.executeCommand<(vscode.Location | vscode.LocationLink)[]>('vscode.executeDefinitionProvider', target.uri, at), CALL_TIMEOUT_MS);
  for (const raw of found ?? []) {
    const loc = asLocation(raw);
    const path = repoRelativePath(root, loc.uri);
    const line = loc.range.start.line + 1;
    if (loc.uri.toString() === target.uri.toString() && line >= target.visibleStart && line <= target.visibleEnd) return undefined; // already in front of the model
    if (path.startsWith('/') || /(^|\/)node_modules\//.test(path)) break; // outside the repository: the hover says enough
    const lines = await readLines(loc.uri);
    if (!lines) continue;
    const max = DEFAULT_DEFINITION_LIMITS.maxLinesPerDefinition;
    const extent = loc.full && loc.range.end.line > loc.range.start.line ? { start: loc.range.start.line, end: Math.min(loc.range.end.line, loc.range.start.line + max - 1) } : definitionExtent(lines, loc.range.start.line, max);
    const text = lines.slice(extent.start, extent.end + 1).join('\n');
    return { kind: 'definition', path, startLine: extent.start + 1, endLine: extent.end + 1, symbol: name, text, tokens: estimateTokens(text) };
  }
  const hover = hoverText(await withTimeout(vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', target.uri, at), CALL_TIMEOUT_MS));
  if (!hover) return undefined;
  // Labelled with the use site: the hover is what the language server knows of the symbol there.
  return { kind: 'definition', path: target.filePath, startLine: at.line + 1, endLine: at.line + 1, symbol: name, text: hover, tokens: estimateTokens(hover) };
}

/**
 * Definitions for the identifiers the target calls, language server first, the repository
 * search for the rest. In the order the target uses them.
 */
export async function editorDefinitions(target: EditorTarget, root: vscode.Uri, repo: RepoFiles): Promise<ContextPiece[]> {
  const names = calledIdentifiers(target.code);
  if (names.length === 0) return [];
  const deadline = Date.now() + TOTAL_TIMEOUT_MS;
  const byName = new Map<string, ContextPiece>();
  // Two at a time: language servers answer in parallel, but not without limit.
  for (let i = 0; i < names.length && Date.now() < deadline; i += 2) {
    const batch = names.slice(i, i + 2);
    const pieces = await Promise.all(batch.map((n) => viaLanguageServer(target, root, n).catch(() => undefined)));
    batch.forEach((n, k) => {
      const p = pieces[k];
      if (p) byName.set(n, p);
    });
  }
  const missing = names.filter((n) => !byName.has(n));
  if (missing.length > 0) {
    const searched = await searchDefinitions(repo, { identifiers: missing, exclude: { path: target.filePath, startLine: target.visibleStart, endLine: target.visibleEnd }, nearPath: target.filePath }, { ...DEFAULT_DEFINITION_LIMITS, timeMs: Math.max(500, deadline - Date.now()) });
    for (const p of searched.pieces) if (p.symbol) byName.set(p.symbol, p);
  }
  return names.flatMap((n) => (byName.has(n) ? [byName.get(n)!] : []));
}
