// Finds the definitions of the symbols a target uses, without a language server: the target's
// called identifiers, then a regular-expression scan of the repository's files for definition
// sites (function, class, def, fn, func, const, let, type, interface, struct, methods …) of those
// names, each taken with its body (braces balanced, or the indented block). Language-agnostic
// on purpose, so it works for any repository the CLI is pointed at. Bounded in files, bytes,
// symbols and time: it is context, and a slow search must never hold up a review.
import { estimateTokens } from '../routing/tokens';
import type { ContextPiece } from './contextPiece';
import type { RepoFiles } from './repoFiles';

export interface DefinitionSearchLimits {
  maxSymbols: number;
  maxFiles: number;
  maxBytesPerFile: number;
  maxTotalBytes: number;
  maxLinesPerDefinition: number;
  /** Wall-clock milliseconds for the whole search. */
  timeMs: number;
}

export const DEFAULT_DEFINITION_LIMITS: DefinitionSearchLimits = { maxSymbols: 16, maxFiles: 3000, maxBytesPerFile: 256 * 1024, maxTotalBytes: 16 * 1024 * 1024, maxLinesPerDefinition: 60, timeMs: 2000 };

const KEYWORDS = new Set(
  (
    'if else for while do switch case return throw catch try finally new delete typeof instanceof void yield await async function class def fn func ' +
    'const let var type interface struct enum trait impl import export from as in of with is not and or lambda super this self print println ' +
    'sizeof match loop where elif except raise assert pass unless until begin end select defer go chan map make len cap append panic ' +
    // Very common built-ins: their definitions are not in the repository.
    'console log require parseInt parseFloat isNaN String Number Boolean Array Object Promise Map Set JSON Math Date Error RegExp Symbol BigInt ' +
    'setTimeout clearTimeout setInterval clearInterval range str int float list dict tuple open isinstance Some None Ok Err Vec Box format ' +
    // Methods of built-in strings, arrays and promises.
    'split join map filter push pop slice splice replace includes indexOf forEach reduce find findIndex some every then toString trim ' +
    'startsWith endsWith test exec matchAll toLowerCase toUpperCase padStart padEnd sort concat stringify'
  ).split(' '),
);

const SKIP_PATH = /(^|\/)(node_modules|\.git|dist|out|build|vendor|target|coverage|__pycache__|\.venv|\.next)\//;
const SKIP_EXT = /\.(png|jpe?g|gif|webp|ico|svg|pdf|zip|gz|tgz|jar|class|exe|dll|so|dylib|wasm|woff2?|ttf|eot|mp[34]|mov|lock|map|min\.js|min\.css)$/i;

/** Identifiers the code calls or instantiates, in order of first use, without keywords or common built-ins. */
export function calledIdentifiers(code: string, max = DEFAULT_DEFINITION_LIMITS.maxSymbols): string[] {
  const names: string[] = [];
  const add = (name: string) => {
    if (name.length < 2 || KEYWORDS.has(name) || names.includes(name)) return;
    names.push(name);
  };
  // Calls (`foo(`, `obj.foo(`, `foo<T>(`), constructions (`new Foo`) and type uses (`: Foo`, `extends Foo`).
  const pattern = /(?:\bnew\s+([A-Za-z_$][\w$]*))|(?:([A-Za-z_$][\w$]*)\s*(?:<[\w$<>,\s.[\]]*>)?\s*\()|(?:(?::|\bextends|\bimplements)\s*([A-Z][\w$]*))/g;
  for (const raw of code.split('\n')) {
    const trimmed = raw.trim();
    if (trimmed.startsWith('//') || trimmed.startsWith('#') || trimmed.startsWith('*') || trimmed.startsWith('/*')) continue;
    const line = stripStrings(raw);
    for (const m of line.matchAll(pattern)) {
      // A definition's own name is not a use.
      const before = line.slice(0, m.index);
      if (m[2] && /\b(?:function\*?|def|fn|func|class)\s*$/.test(before)) continue;
      add(m[1] ?? m[2] ?? m[3] ?? '');
      if (names.length >= max) return names;
    }
  }
  return names;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Line patterns that define `name`. */
function definitionPatterns(name: string): RegExp[] {
  const n = escapeRegExp(name);
  return [
    new RegExp(`\\b(?:function\\*?|class|def|fn|func|const|let|var|type|interface|struct|enum|trait|module|macro|sub|proc|val|typedef|record|object|protocol|union)\\s+${n}(?![\\w$])`),
    new RegExp(`\\bfunc\\s*\\([^)]*\\)\\s*${n}\\s*[(\\[]`),
    new RegExp(`^\\s*(?:(?:public|private|protected|static|final|async|override|abstract|export|default|readonly|virtual|inline)\\s+)*(?:[\\w<>\\[\\],.?*&]+\\s+)?${n}\\s*(?:<[^>]*>)?\\s*\\([^)]*\\)\\s*(?::\\s*[^{;=]+|->\\s*[^{;=]+)?\\{\\s*$`),
    new RegExp(`(?:^|[\\s,{])${n}\\s*[:=]\\s*(?:async\\s+)?(?:function\\b|\\([^)]*\\)\\s*(?::[^=]+)?=>|[A-Za-z_$][\\w$]*\\s*=>)`),
  ];
}

const CONTROL_START = /^\s*(?:return|if|else|while|for|switch|new|await|throw|case|yield|do|catch)\b/;

function isDefinitionLine(line: string, patterns: RegExp[]): boolean {
  if (CONTROL_START.test(line)) return false;
  const t = line.trim();
  if (t.startsWith('//') || t.startsWith('*') || t.startsWith('#') && !t.startsWith('#define')) return false;
  return patterns.some((p) => p.test(line));
}

/** The definition's extent: doc comment above, then the braced body or the indented block (0-based lines). */
export function definitionExtent(lines: readonly string[], at: number, maxLines: number): { start: number; end: number } {
  let start = at;
  while (start > 0 && at - start < 8 && /^\s*(?:\/\/|\/\*|\*|#(?!define)|@)/.test(lines[start - 1] ?? '')) start--;
  const first = lines[at] ?? '';
  const limit = Math.min(lines.length - 1, at + maxLines - 1);
  if (/:\s*(?:#.*)?$/.test(first) && !first.includes('{')) {
    // An indented block (Python and the like): lines indented deeper than the definition.
    const indent = /^\s*/.exec(first)![0].length;
    let end = at;
    for (let i = at + 1; i <= limit; i++) {
      const l = lines[i]!;
      if (l.trim() === '') continue;
      if (/^\s*/.exec(l)![0].length <= indent) break;
      end = i;
    }
    return { start, end };
  }
  let depth = 0;
  let opened = false;
  for (let i = at; i <= limit; i++) {
    for (const ch of stripStrings(lines[i]!)) {
      if (ch === '{' || ch === '(' || ch === '[') {
        depth++;
        if (ch === '{') opened = true;
      } else if (ch === '}' || ch === ')' || ch === ']') depth--;
    }
    if (depth <= 0 && (opened || /[;,]\s*$/.test(lines[i]!) || i > at)) return { start, end: i };
  }
  return { start, end: limit };
}

/** The line without string literals and line comments, so braces inside them do not count. */
function stripStrings(line: string): string {
  return line.replace(/(["'`])(?:\\.|(?!\1).)*\1/g, '""').replace(/\/\/.*$/, '');
}

export interface DefinitionSearchInput {
  identifiers: readonly string[];
  /** The reviewed span: definitions inside it are already in front of the model. */
  exclude?: { path: string; startLine: number; endLine: number };
  /** Searched first: the target's own file and folder are where most definitions live. */
  nearPath?: string;
}

export interface DefinitionSearchResult {
  pieces: ContextPiece[];
  /** Identifiers with no definition found. */
  notFound: string[];
  /** Why the search stopped early (file, byte or time limit), if it did. */
  stoppedEarly?: string;
  filesSearched: number;
}

export async function searchDefinitions(repo: RepoFiles, input: DefinitionSearchInput, limits: DefinitionSearchLimits = DEFAULT_DEFINITION_LIMITS, now: () => number = Date.now): Promise<DefinitionSearchResult> {
  const wanted = input.identifiers.slice(0, limits.maxSymbols);
  const found = new Map<string, ContextPiece>();
  const result: DefinitionSearchResult = { pieces: [], notFound: [], filesSearched: 0 };
  if (wanted.length === 0) return result;
  const deadline = now() + limits.timeMs;
  const patterns = new Map(wanted.map((name) => [name, definitionPatterns(name)]));
  const files = orderFiles((await repo.list()).filter((p) => !SKIP_PATH.test(p) && !SKIP_EXT.test(p)), input.nearPath);
  let bytes = 0;
  for (const path of files) {
    if (found.size === wanted.length) break;
    if (result.filesSearched >= limits.maxFiles) {
      result.stoppedEarly = `searched the first ${limits.maxFiles} files`;
      break;
    }
    if (now() > deadline) {
      result.stoppedEarly = `time limit of ${limits.timeMs} ms`;
      break;
    }
    if (bytes >= limits.maxTotalBytes) {
      result.stoppedEarly = `read limit of ${Math.round(limits.maxTotalBytes / 1024 / 1024)} MB`;
      break;
    }
    const text = await repo.read(path, limits.maxBytesPerFile).catch(() => undefined);
    result.filesSearched++;
    if (text === undefined || text.includes('\u0000')) continue;
    bytes += text.length;
    const missing = wanted.filter((name) => !found.has(name) && text.includes(name));
    if (missing.length === 0) continue;
    const lines = text.split(/\r?\n/);
    for (let i = 0; i < lines.length && missing.length > 0; i++) {
      const line = lines[i]!;
      for (let k = 0; k < missing.length; k++) {
        const name = missing[k]!;
        if (!line.includes(name) || !isDefinitionLine(line, patterns.get(name)!)) continue;
        const ex = input.exclude;
        if (ex && ex.path === path && i + 1 >= ex.startLine && i + 1 <= ex.endLine) continue;
        const { start, end } = definitionExtent(lines, i, limits.maxLinesPerDefinition);
        const body = lines.slice(start, end + 1).join('\n');
        found.set(name, { kind: 'definition', path, startLine: start + 1, endLine: end + 1, symbol: name, text: body, tokens: estimateTokens(body) });
        missing.splice(k, 1);
        k--;
      }
    }
  }
  // In the order the target uses them: the first-used symbols matter most to the budget.
  for (const name of wanted) {
    const piece = found.get(name);
    if (piece) result.pieces.push(piece);
    else result.notFound.push(name);
  }
  return result;
}

/** The near path first, then its folder, then the rest in their stable order. */
function orderFiles(files: string[], nearPath: string | undefined): string[] {
  if (!nearPath) return files;
  const folder = nearPath.includes('/') ? nearPath.slice(0, nearPath.lastIndexOf('/') + 1) : '';
  const rank = (p: string) => (p === nearPath ? 0 : folder !== '' ? (p.startsWith(folder) ? 1 : 2) : p.includes('/') ? 2 : 1);
  return [...files].sort((a, b) => rank(a) - rank(b));
}
