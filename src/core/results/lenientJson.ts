// Lenient JSON for the result parser: JSON plus what models get wrong (comments, trailing or
// missing commas, smart or single quotes, unquoted keys and words, Python literals, `85%`),
// repaired by jsonrepair. What jsonrepair cannot say is whether the text was cut off, and
// where: a cut answer's last finding may hold half a fix and must not be kept. That is the one
// thing done here, by a scan of the brackets still open at the end of the text. Never throws.
import { jsonrepair } from 'jsonrepair';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface ReadJson {
  value: Json;
  /** True when the text ended inside a value. */
  truncated: boolean;
  /** Containers the end of the text closed (their last member may be missing or cut). */
  incomplete: WeakSet<object>;
}

const CLOSING_QUOTE: Record<string, string> = { '"': '"', "'": "'", '“': '”', '‘': '’' };

/** Far deeper than any result; deeper input is not a result (and jsonrepair recurses). */
const MAX_DEPTH = 64;

interface Brackets {
  /** Objects and arrays still open where the text ends. */
  open: number;
  /** What closes them, innermost first. */
  closers: string;
  /** The quote that closes the string the text ends in, if it ends in one. */
  openQuote: string | undefined;
  deepest: number;
  /** A `}` closing a `[` or the reverse: the structure is a guess, not worth repairing. */
  mismatched: boolean;
  /** The text up to where the first value closes, with brackets inside strings escaped. */
  text: string;
}

/**
 * jsonrepair 3.15 takes a quote followed by `}` for a quote inside the string when the string
 * holds more `{` than `}` (`{"fix": "for (;;) {"}` fails with "Unexpected character"): code in
 * a suggested fix often does. Brackets inside strings are written as \u escapes, which read
 * back as the same characters.
 */
const ESCAPED: Record<string, string> = { '{': '\\u007b', '}': '\\u007d', '[': '\\u005b', ']': '\\u005d', '(': '\\u0028', ')': '\\u0029' };

/** One linear pass over the brackets outside strings and comments. */
function scanBrackets(text: string): Brackets {
  const stack: string[] = [];
  const out: string[] = [];
  let copied = 0;
  let deepest = 0;
  let quote: string | undefined;
  const result = (end: number, mismatched: boolean, openQuote: string | undefined): Brackets => {
    out.push(text.slice(copied, end));
    return { open: stack.length, closers: [...stack].reverse().join(''), openQuote, deepest, mismatched, text: out.join('') };
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote !== undefined) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
      else if (c in ESCAPED) {
        out.push(text.slice(copied, i), ESCAPED[c]!);
        copied = i + 1;
      }
      continue;
    }
    if (c === '/' && text[i + 1] === '/') {
      const end = text.indexOf('\n', i);
      i = end === -1 ? text.length : end;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end === -1 ? text.length : end + 1;
    } else if (c in CLOSING_QUOTE) {
      quote = CLOSING_QUOTE[c];
    } else if (c === '{' || c === '[') {
      stack.push(c === '{' ? '}' : ']');
      deepest = Math.max(deepest, stack.length);
    } else if (c === '}' || c === ']') {
      if (stack.pop() !== c) return result(i + 1, true, undefined);
      if (stack.length === 0) return result(i + 1, false, undefined);
    }
  }
  return result(text.length, false, quote);
}

/** The last member of a container (insertion order), if it is a container itself. */
function lastChild(container: object): object | undefined {
  const values = Array.isArray(container) ? container : Object.values(container);
  const last: unknown = values[values.length - 1];
  return typeof last === 'object' && last !== null ? last : undefined;
}

/** jsonrepair reports where unparseable text starts; the first value ends there. */
function repair(text: string): string | undefined {
  try {
    return jsonrepair(text);
  } catch (err) {
    const position = (err as { position?: unknown }).position;
    if (typeof position !== 'number' || position <= 0 || position >= text.length) return undefined;
    try {
      return jsonrepair(text.slice(0, position));
    } catch {
      return undefined;
    }
  }
}

/** The first object or array in `text` (text after it is ignored), or undefined. */
export function readJson(text: string): ReadJson | undefined {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null) return { value: value as Json, truncated: false, incomplete: new WeakSet() };
  } catch {
    // Not strict JSON: repaired below.
  }
  const start = text.search(/\S/);
  if (start === -1 || (text[start] !== '{' && text[start] !== '[')) return undefined;
  const brackets = scanBrackets(text.slice(start));
  if (brackets.mismatched || brackets.deepest > MAX_DEPTH) return undefined;
  try {
    // A cut text gets its string and brackets closed here: jsonrepair 3.15 fails on some cut
    // texts it would repair closed (`{"f":[{"x":"a {"},{"t":"u` : "Colon expected").
    const rest = brackets.text;
    const repaired = repair(brackets.open > 0 ? `${rest}${brackets.openQuote ?? ''}${brackets.closers}` : rest);
    if (repaired === undefined) return undefined;
    const value = JSON.parse(repaired) as Json;
    if (typeof value !== 'object' || value === null) return undefined;
    const incomplete = new WeakSet<object>();
    // The containers open at the cut are the chain of last members from the root.
    let node: object | undefined = value;
    for (let depth = 0; node !== undefined && depth < brackets.open; depth++, node = lastChild(node)) incomplete.add(node);
    return { value, truncated: brackets.open > 0, incomplete };
  } catch {
    return undefined;
  }
}
