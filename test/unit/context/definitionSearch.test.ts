import * as assert from 'node:assert/strict';
import { calledIdentifiers, searchDefinitions, DEFAULT_DEFINITION_LIMITS } from '../../../src/core/context/definitionSearch';
import { MemoryRepoFiles, cachingRepoFiles, type RepoFiles } from '../../../src/core/context/repoFiles';

const FILES = new Map<string, string>([
  ['src/pricing.ts', ['// Prices with tax.', '/** Adds VAT. */', 'export function withTax(amount: number): number {', '  const rate = taxRate("de");', '  return amount * (1 + rate);', '}', '', 'export const taxRate = (country: string): number => (country === "de" ? 0.19 : 0.2);', ''].join('\n')],
  ['src/cart.ts', ['import { withTax } from "./pricing";', 'export class Cart {', '  items: Item[] = [];', '  total(): number {', '    return withTax(sum(this.items));', '  }', '}', ''].join('\n')],
  ['lib/math.py', ['import math', '', 'def sum_prices(items):', '    """Sums item prices."""', '    total = 0', '    for i in items:', '        total += i.price', '    return total', '', 'def other():', '    pass', ''].join('\n')],
  ['go/store.go', ['package store', '', 'type Store struct {', '\titems []Item', '}', '', 'func (s *Store) Lookup(id string) (Item, bool) {', '\tfor _, it := range s.items {', '\t\tif it.ID == id {', '\t\t\treturn it, true', '\t\t}', '\t}', '\treturn Item{}, false', '}', ''].join('\n')],
  ['rust/lib.rs', ['pub fn parse_id(s: &str) -> Option<u32> {', '    s.parse().ok()', '}', ''].join('\n')],
  ['node_modules/dep/index.js', 'function withTax() { return "vendored"; }\n'],
  ['src/types.ts', ['export interface Item {', '  price: number;', '  id: string;', '}', '', 'export type Money = number;', ''].join('\n')],
]);

describe('definition search', () => {
  it('lists the identifiers code calls, in order, without keywords and built-ins', () => {
    const code = 'if (ready) {\n  const t = withTax(sum(items));\n  console.log(Math.max(t, 0));\n  return new Cart(store.Lookup(id), parse_id("7"));\n}\nfunction local(x: Item) {}';
    assert.deepEqual(calledIdentifiers(code), ['withTax', 'sum', 'max', 'Cart', 'Lookup', 'parse_id', 'Item']);
  });

  it('finds definitions across languages, with doc comments and whole bodies', async () => {
    const repo = new MemoryRepoFiles(FILES);
    const r = await searchDefinitions(repo, { identifiers: ['withTax', 'taxRate', 'sum_prices', 'Lookup', 'parse_id', 'Item', 'Money', 'Store', 'missing'] });
    const byName = new Map(r.pieces.map((p) => [p.symbol, p]));
    const withTax = byName.get('withTax')!;
    assert.equal(withTax.path, 'src/pricing.ts');
    assert.deepEqual([withTax.startLine, withTax.endLine], [1, 6], 'the comments above and the braced body');
    assert.match(withTax.text, /return amount \* \(1 \+ rate\);\n\}$/);
    assert.deepEqual([byName.get('taxRate')!.startLine, byName.get('taxRate')!.endLine], [8, 8]);
    const py = byName.get('sum_prices')!;
    assert.deepEqual([py.path, py.startLine, py.endLine], ['lib/math.py', 3, 8], 'the indented block, not the next def');
    const go = byName.get('Lookup')!;
    assert.deepEqual([go.path, go.startLine, go.endLine], ['go/store.go', 7, 14]);
    assert.deepEqual([byName.get('parse_id')!.path, byName.get('parse_id')!.endLine], ['rust/lib.rs', 3]);
    assert.deepEqual([byName.get('Item')!.startLine, byName.get('Item')!.endLine], [1, 4]);
    assert.deepEqual([byName.get('Store')!.startLine, byName.get('Store')!.endLine], [3, 5]);
    assert.equal(byName.get('Money')!.text, 'export type Money = number;');
    assert.deepEqual(r.notFound, ['missing']);
    assert.ok(r.pieces.every((p) => p.tokens > 0 && p.kind === 'definition'));
    assert.ok(!r.pieces.some((p) => p.path.startsWith('node_modules/')), 'vendored folders are not searched');
  });

  it('does not take a call or the target itself for a definition', async () => {
    const repo = new MemoryRepoFiles(new Map([
      ['a.ts', 'export function run() {\n  return helper(1);\n}\nfunction helper(n: number) {\n  return n;\n}\n'],
    ]));
    const excluded = await searchDefinitions(repo, { identifiers: ['helper'], exclude: { path: 'a.ts', startLine: 1, endLine: 6 } });
    assert.deepEqual(excluded.pieces, [], 'a definition inside the reviewed span is already in front of the model');
    const found = await searchDefinitions(repo, { identifiers: ['helper'], exclude: { path: 'a.ts', startLine: 1, endLine: 3 } });
    assert.deepEqual(found.pieces.map((p) => [p.startLine, p.endLine]), [[4, 6]], 'the call on line 2 is not a definition site');
  });

  it('searches the target file and its folder first', async () => {
    const repo = new MemoryRepoFiles(new Map([
      ['a/util.ts', 'export function pick() { return "a"; }\n'],
      ['b/util.ts', 'export function pick() { return "b"; }\n'],
    ]));
    const r = await searchDefinitions(repo, { identifiers: ['pick'], nearPath: 'b/main.ts' });
    assert.equal(r.pieces[0]!.path, 'b/util.ts');
  });

  it('stops at the file, byte and time limits and says why', async () => {
    const many = new Map(Array.from({ length: 50 }, (_, i) => [`f${String(i).padStart(2, '0')}.ts`, `const x${i} = ${i};\n`] as [string, string]));
    many.set('z.ts', 'function target() {}\n');
    const repo = new MemoryRepoFiles(many);
    const byFiles = await searchDefinitions(repo, { identifiers: ['target'] }, { ...DEFAULT_DEFINITION_LIMITS, maxFiles: 10 });
    assert.equal(byFiles.filesSearched, 10);
    assert.deepEqual(byFiles.pieces, []);
    assert.match(byFiles.stoppedEarly!, /first 10 files/);
    const byBytes = await searchDefinitions(repo, { identifiers: ['target'] }, { ...DEFAULT_DEFINITION_LIMITS, maxTotalBytes: 30 });
    assert.match(byBytes.stoppedEarly!, /read limit/);
    let clock = 0;
    const slow: RepoFiles = { list: () => repo.list(), read: async (p, n) => ((clock += 100), repo.read(p, n)) };
    const byTime = await searchDefinitions(slow, { identifiers: ['target'] }, { ...DEFAULT_DEFINITION_LIMITS, timeMs: 450 }, () => clock);
    assert.match(byTime.stoppedEarly!, /time limit of 450 ms/);
    assert.ok(byTime.filesSearched <= 6);
    const all = await searchDefinitions(repo, { identifiers: ['target'] });
    assert.equal(all.pieces[0]!.path, 'z.ts');
  });

  it('caps the lines of one definition', async () => {
    const body = ['function huge() {', ...Array.from({ length: 200 }, (_, i) => `  step${i}();`), '}'].join('\n');
    const r = await searchDefinitions(new MemoryRepoFiles(new Map([['h.ts', body]])), { identifiers: ['huge'] }, { ...DEFAULT_DEFINITION_LIMITS, maxLinesPerDefinition: 20 });
    assert.equal(r.pieces[0]!.endLine, 20);
  });

  it('a change set reads each repository file once across its searches', async () => {
    const inner = new MemoryRepoFiles(FILES);
    const reads: string[] = [];
    const counting: RepoFiles = { list: () => inner.list(), read: (p, n) => (reads.push(`${p}@${n}`), inner.read(p, n)) };
    const cached = cachingRepoFiles(counting);
    const first = await searchDefinitions(cached, { identifiers: ['Lookup', 'missing'] });
    const readsAfterFirst = reads.length;
    const second = await searchDefinitions(cached, { identifiers: ['Lookup', 'missing'] });
    assert.deepEqual(second.pieces, first.pieces);
    assert.equal(reads.length, readsAfterFirst, 'the second search read nothing again');
    assert.equal(await cached.read('rust/lib.rs', 10), 'pub fn par', 'a smaller cap is served from the whole text');
    assert.equal(reads.length, readsAfterFirst);
  });
});
