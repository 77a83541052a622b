// Lenient JSON: JSON plus what models get wrong (comments, trailing or missing commas, smart or
// single quotes, unquoted keys and words, Python literals, `85%`), and a cut-off end. Used by the
// result parser; never throws, linear in the input.

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

class NotJson extends Error {}

/** Returned where a value was cut off by the end of the text. */
const CUT = Symbol('cut');

/** Far deeper than any result; deeper input is not a result and must not exhaust the stack. */
const MAX_DEPTH = 64;

const CLOSING_QUOTE: Record<string, string> = { '"': '"', "'": "'", '“': '”', '”': '”', '‘': '’', '’': '’', '„': '“' };
const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f' };
const NUMBER = /[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?/y;
const WORD = /[A-Za-z_$][\w$-]*/y;

class LenientJsonReader {
  private pos = 0;
  /** True when the text ended inside a value. */
  truncated = false;
  /** Containers the end of the text closed (their last member may be missing). */
  readonly incomplete = new WeakSet<object>();

  constructor(private readonly text: string) {}

  /** The first object or array in the text; text after it is ignored. */
  read(): Json | undefined {
    try {
      this.skipSpace();
      const first = this.text.charAt(this.pos);
      if (first !== '{' && first !== '[') return undefined;
      const value = this.value(0);
      return value === CUT ? undefined : value;
    } catch {
      return undefined;
    }
  }

  private atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  private skipSpace(): void {
    const text = this.text;
    while (this.pos < text.length) {
      const c = text.charCodeAt(this.pos);
      if (c === 32 || c === 10 || c === 13 || c === 9 || c === 0xa0 || c === 0xfeff) {
        this.pos++;
      } else if (c === 47 && text.charAt(this.pos + 1) === '/') {
        const end = text.indexOf('\n', this.pos);
        this.pos = end === -1 ? text.length : end + 1;
      } else if (c === 47 && text.charAt(this.pos + 1) === '*') {
        const end = text.indexOf('*/', this.pos + 2);
        this.pos = end === -1 ? text.length : end + 2;
      } else {
        return;
      }
    }
  }

  private value(depth: number): Json | typeof CUT {
    if (depth > MAX_DEPTH) throw new NotJson('too deep');
    this.skipSpace();
    if (this.atEnd()) {
      this.truncated = true;
      return CUT;
    }
    const c = this.text.charAt(this.pos);
    if (c === '{') return this.object(depth);
    if (c === '[') return this.array(depth);
    if (c in CLOSING_QUOTE) return this.string();
    if (/[-+.\d]/.test(c)) return this.number();
    if (/[A-Za-z_$]/.test(c)) return this.word();
    throw new NotJson(`unexpected ${c}`);
  }

  private object(depth: number): Json | typeof CUT {
    const result: { [key: string]: Json } = {};
    this.pos++;
    for (;;) {
      this.skipSpace();
      if (this.atEnd()) return this.cut(result);
      const c = this.text.charAt(this.pos);
      if (c === '}') {
        this.pos++;
        return result;
      }
      if (c === ',') {
        this.pos++;
        continue;
      }
      const key = c in CLOSING_QUOTE ? this.string() : this.word();
      if (key === CUT) return this.cut(result);
      this.skipSpace();
      if (this.atEnd()) return this.cut(result);
      if (this.text.charAt(this.pos) !== ':' && this.text.charAt(this.pos) !== '=') throw new NotJson('expected :');
      this.pos++;
      const member = this.value(depth + 1);
      if (member === CUT) return this.cut(result);
      // defineProperty, so a "__proto__" key is data and not the object's prototype.
      Object.defineProperty(result, String(key), { value: member, enumerable: true, writable: true, configurable: true });
      if (this.truncated) return this.cut(result);
    }
  }

  private array(depth: number): Json | typeof CUT {
    const result: Json[] = [];
    this.pos++;
    for (;;) {
      this.skipSpace();
      if (this.atEnd()) return this.cut(result);
      const c = this.text.charAt(this.pos);
      if (c === ']') {
        this.pos++;
        return result;
      }
      if (c === ',') {
        this.pos++;
        continue;
      }
      const element = this.value(depth + 1);
      if (element === CUT) return this.cut(result);
      result.push(element);
      if (this.truncated) return this.cut(result);
    }
  }

  private cut(container: object): Json {
    this.truncated = true;
    this.incomplete.add(container);
    return container as Json;
  }

  private string(): string | typeof CUT {
    const text = this.text;
    const open = text.charAt(this.pos);
    const close = CLOSING_QUOTE[open] ?? open;
    // Smart quotes come in mismatched pairs too: “key“ or ”key”.
    const closers = open === '"' || open === "'" ? close : `${close}${open}`;
    this.pos++;
    let result = '';
    let chunkStart = this.pos;
    while (this.pos < text.length) {
      const c = text.charAt(this.pos);
      if (closers.includes(c)) {
        result += text.slice(chunkStart, this.pos);
        this.pos++;
        return result;
      }
      if (c !== '\\') {
        this.pos++;
        continue;
      }
      result += text.slice(chunkStart, this.pos);
      const escaped = text.charAt(this.pos + 1);
      if (escaped === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(this.pos + 2, this.pos + 6))) {
        result += String.fromCharCode(parseInt(text.slice(this.pos + 2, this.pos + 6), 16));
        this.pos += 6;
      } else {
        result += ESCAPES[escaped] ?? escaped;
        this.pos += 2;
      }
      chunkStart = this.pos;
    }
    this.truncated = true;
    return CUT;
  }

  private number(): number | typeof CUT {
    NUMBER.lastIndex = this.pos;
    const match = NUMBER.exec(this.text);
    if (!match) throw new NotJson('bad number');
    this.pos += match[0].length;
    // A number that reaches the end of the text may have lost digits.
    if (this.atEnd()) {
      this.truncated = true;
      return CUT;
    }
    const value = Number(match[0]);
    if (!Number.isFinite(value)) throw new NotJson('bad number');
    if (this.text.charAt(this.pos) === '%') {
      this.pos++;
      return value / 100;
    }
    return value;
  }

  /** true/false/null and their Python spellings; any other bare word is a string. */
  private word(): Json | typeof CUT {
    WORD.lastIndex = this.pos;
    const match = WORD.exec(this.text);
    if (!match) throw new NotJson(`unexpected ${this.text.charAt(this.pos)}`);
    this.pos += match[0].length;
    if (this.atEnd()) {
      this.truncated = true;
      return CUT;
    }
    const word = match[0];
    if (word === 'true' || word === 'True') return true;
    if (word === 'false' || word === 'False') return false;
    if (word === 'null' || word === 'None' || word === 'undefined' || word === 'NaN') return null;
    return word;
  }
}

export interface ReadJson {
  value: Json;
  truncated: boolean;
  incomplete: WeakSet<object>;
}

export function readJson(text: string): ReadJson | undefined {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null) return { value: value as Json, truncated: false, incomplete: new WeakSet() };
  } catch {
    // Not strict JSON: the lenient reader below gets a try.
  }
  const reader = new LenientJsonReader(text);
  const value = reader.read();
  return value === undefined ? undefined : { value, truncated: reader.truncated, incomplete: reader.incomplete };
}
