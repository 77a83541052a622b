import * as assert from 'node:assert/strict';
import { assessComplexity, type ComplexityTier } from '../../../src/core/routing/complexity';
import type { Diagnostic, ReviewRequest } from '../../../src/core/requests/request';

interface Case {
  name: string;
  kind?: ReviewRequest['kind'];
  languageId: string;
  code: string;
  instruction?: string;
  diagnostics?: Diagnostic[];
}

function requestFor(c: Case): ReviewRequest {
  const span = {
    filePath: `src/example.${c.languageId}`,
    languageId: c.languageId,
    startLine: 1,
    endLine: c.code.split('\n').length,
    code: c.code,
    contextBefore: '',
    contextAfter: '',
  };
  const target: ReviewRequest['target'] =
    c.diagnostics !== undefined ? { type: 'diagnostics', ...span, diagnostics: c.diagnostics } : { type: 'selection', ...span };
  return { kind: c.kind ?? 'review', target, instruction: c.instruction, options: {} };
}

function error(line: number, message: string): Diagnostic {
  return { message, severity: 'error', startLine: line, endLine: line };
}

function warning(line: number, message: string): Diagnostic {
  return { message, severity: 'warning', startLine: line, endLine: line };
}

/** A realistic TS handler, renamed `count` times, for whole-file cases. */
function manyHandlers(count: number): string {
  const out: string[] = ['export class OrderService {'];
  for (let i = 0; i < count; i++) {
    out.push(
      `  async handle${i}(orders: Order[], limits: Limits): Promise<number> {`,
      '    let total = 0;',
      '    for (const order of orders) {',
      '      if (order.items.length > 0) {',
      '        for (const item of order.items) {',
      '          if (item.price > limits.max) {',
      '            throw new Error(`item ${item.id} too expensive`);',
      '          }',
      '          total += item.price * item.quantity;',
      '        }',
      '      }',
      '    }',
      '    await this.audit.log(total);',
      '    return total;',
      '  }',
      '',
    );
  }
  out.push('}');
  return out.join('\n');
}

const simple: Case[] = [
  {
    name: 'a small pure TS helper',
    languageId: 'typescript',
    code: ['export function clamp(value: number, min: number, max: number): number {', '  return Math.min(max, Math.max(min, value));', '}'].join('\n'),
  },
  {
    name: 'a Python function with a naming question',
    languageId: 'python',
    instruction: 'Suggest better names',
    code: ['def f(xs):', '    r = []', '    for x in xs:', '        r.append(x * 2)', '    return r'].join('\n'),
  },
  {
    name: 'debugging one undefined variable in JS',
    kind: 'debug',
    languageId: 'javascript',
    code: ['function greet(user) {', '  const name = user.firstName;', '  return `Hello, ${nmae}!`;', '}'].join('\n'),
    diagnostics: [error(3, "Cannot find name 'nmae'. Did you mean 'name'?")],
  },
  {
    name: 'a Go getter with one lint warning',
    languageId: 'go',
    code: ['// Name returns the user name.', 'func (u *User) Name() string {', '\treturn u.name', '}'].join('\n'),
    diagnostics: [warning(2, 'receiver name u should be consistent')],
  },
  {
    name: 'a Java equals method',
    languageId: 'java',
    code: [
      '@Override',
      'public boolean equals(Object other) {',
      '    if (!(other instanceof Point)) {',
      '        return false;',
      '    }',
      '    Point p = (Point) other;',
      '    return x == p.x && y == p.y;',
      '}',
    ].join('\n'),
  },
];

const medium: Case[] = [
  {
    name: 'an async TS client with several methods',
    languageId: 'typescript',
    code: [
      'export class UserClient {',
      '  constructor(private readonly http: HttpClient) {}',
      '',
      '  async get(id: string): Promise<User> {',
      '    const res = await this.http.get(`/users/${id}`);',
      '    return res.json();',
      '  }',
      '',
      '  async update(user: User): Promise<void> {',
      '    await this.http.put(`/users/${user.id}`, user);',
      '  }',
      '',
      '  async remove(id: string): Promise<void> {',
      '    await this.http.delete(`/users/${id}`);',
      '  }',
      '}',
    ].join('\n'),
  },
  {
    name: 'debugging two type errors',
    kind: 'debug',
    languageId: 'typescript',
    code: [
      'function total(items: Item[]): number {',
      '  return items.reduce((sum, item) => sum + item.price, "0");',
      '}',
      'const n: string = total([]);',
    ].join('\n'),
    diagnostics: [
      error(2, "No overload matches this call."),
      error(4, "Type 'number' is not assignable to type 'string'."),
    ],
  },
  {
    name: 'a C parser loop with deep nesting and a why-question',
    languageId: 'c',
    instruction: 'Why does this crash on empty lines?',
    code: [
      'int parse(const char *buf, size_t len, struct record *out) {',
      '    size_t i = 0;',
      '    while (i < len) {',
      '        if (buf[i] == \'#\') {',
      '            while (i < len && buf[i] != \'\\n\') {',
      '                if (buf[i] == \'\\\\\') {',
      '                    i++;',
      '                }',
      '                i++;',
      '            }',
      '        }',
      '        i++;',
      '    }',
      '    return 0;',
      '}',
    ].join('\n'),
  },
  {
    name: 'a Python class asked for a security review',
    languageId: 'python',
    instruction: 'Check this for security issues',
    code: [
      'class Store:',
      '    def __init__(self, conn):',
      '        self.conn = conn',
      '',
      '    def find(self, name):',
      '        cur = self.conn.cursor()',
      '        cur.execute("SELECT * FROM users WHERE name = \'%s\'" % name)',
      '        return cur.fetchall()',
    ].join('\n'),
  },
  {
    name: 'a 60-line Java method review',
    languageId: 'java',
    code: [
      'public Report build(List<Sale> sales) {',
      ...Array.from({ length: 58 }, (_, i) => `    report.add(sales.get(${i}).amount());`),
      '}',
    ].join('\n'),
  },
];

const complex: Case[] = [
  {
    name: 'a Go worker pool with a race question',
    languageId: 'go',
    instruction: 'Is there a race here?',
    code: [
      'func process(jobs []Job) map[string]int {',
      '\tresults := make(map[string]int)',
      '\tvar mu sync.Mutex',
      '\tvar wg sync.WaitGroup',
      '\tch := make(chan Job)',
      '\tfor i := 0; i < 4; i++ {',
      '\t\twg.Add(1)',
      '\t\tgo func() {',
      '\t\t\tdefer wg.Done()',
      '\t\t\tfor job := range ch {',
      '\t\t\t\tmu.Lock()',
      '\t\t\t\tresults[job.Key]++',
      '\t\t\t\tmu.Unlock()',
      '\t\t\t}',
      '\t\t}()',
      '\t}',
      '\tfor _, j := range jobs {',
      '\t\tch <- j',
      '\t}',
      '\twg.Wait()',
      '\treturn results',
      '}',
    ].join('\n'),
  },
  {
    name: 'debugging four errors and a warning in one TS file',
    kind: 'debug',
    languageId: 'typescript',
    code: [
      'import { readFile } from "fs/promises";',
      'export async function load(path: string): Config {',
      '  const raw = readFile(path, "utf8");',
      '  const parsed = JSON.parse(raw);',
      '  return { port: parsed.port.toFixed(), host: parsed.hostname };',
      '}',
    ].join('\n'),
    diagnostics: [
      error(2, 'The return type of an async function must be Promise<T>.'),
      error(4, "Argument of type 'Promise<string>' is not assignable to parameter of type 'string'."),
      error(5, "Property 'toFixed' does not exist on type 'string'."),
      error(5, "Type 'string' is not assignable to type 'number'."),
      warning(3, 'Missing await.'),
    ],
  },
  {
    name: 'a Java transfer that may deadlock, step by step',
    languageId: 'java',
    instruction: 'Could this deadlock? Explain step by step.',
    code: [
      'public class Bank {',
      '    public void transfer(Account from, Account to, long amount) {',
      '        synchronized (from) {',
      '            synchronized (to) {',
      '                from.withdraw(amount);',
      '                to.deposit(amount);',
      '            }',
      '        }',
      '    }',
      '}',
    ].join('\n'),
  },
  {
    name: 'a 300-line service with deep nesting and many methods',
    languageId: 'typescript',
    code: manyHandlers(20),
  },
  {
    name: 'Python asyncio with a lock, asked to prove thread safety',
    languageId: 'python',
    instruction: 'Prove this cache is thread-safe',
    code: [
      'class Cache:',
      '    def __init__(self):',
      '        self._lock = asyncio.Lock()',
      '        self._data = {}',
      '',
      '    async def get(self, key, load):',
      '        async with self._lock:',
      '            if key not in self._data:',
      '                self._data[key] = await load(key)',
      '            return self._data[key]',
    ].join('\n'),
  },
];

const table: [ComplexityTier, Case[]][] = [
  ['simple', simple],
  ['medium', medium],
  ['complex', complex],
];

describe('complexity', () => {
  for (const [tier, cases] of table) {
    describe(`${tier} requests`, () => {
      for (const c of cases) {
        it(c.name, () => {
          const assessment = assessComplexity(requestFor(c));
          assert.equal(assessment.tier, tier, `score ${assessment.score}: ${assessment.reasons.join('; ')}`);
        });
      }
    });
  }

  it('explains every tier with non-empty reasons', () => {
    for (const [, cases] of table) {
      for (const c of cases) {
        const { reasons } = assessComplexity(requestFor(c));
        assert.ok(reasons.length > 0, c.name);
        for (const reason of reasons) assert.ok(reason.trim().length > 0, c.name);
      }
    }
  });

  it('names the signals that made a request complex', () => {
    const debug = assessComplexity(requestFor(complex[1] as Case));
    assert.ok(debug.reasons.includes('multi-step debugging: 4 errors, 1 warning in one file'), debug.reasons.join('; '));

    const big = assessComplexity(requestFor(complex[3] as Case));
    assert.ok(big.reasons.includes('322 lines selected'), big.reasons.join('; '));
    assert.ok(big.reasons.includes('nesting depth 6'), big.reasons.join('; '));
    assert.ok(big.reasons.includes('spans 20 functions'), big.reasons.join('; '));

    const race = assessComplexity(requestFor(complex[0] as Case));
    assert.ok(race.reasons.some((r) => r.startsWith('instruction asks for "race"')), race.reasons.join('; '));
    assert.ok(race.reasons.some((r) => r.includes('mutexes') && r.includes('goroutines') && r.includes('channels')), race.reasons.join('; '));
  });

  it('measures nesting by indentation for Python and by braces elsewhere', () => {
    const python = assessComplexity(
      requestFor({
        name: 'python',
        languageId: 'python',
        code: ['def walk(tree):', '    for node in tree:', '        if node.children:', '            for child in node.children:', '                if child.ok:', '                    yield child'].join('\n'),
      }),
    );
    assert.ok(python.reasons.includes('nesting depth 5'), python.reasons.join('; '));

    // Braces inside strings and comments do not count.
    const quoted = assessComplexity(
      requestFor({ name: 'quoted', languageId: 'typescript', code: ['function f() {', '  // {{{{', '  return "{{{{" + `{{{{`;', '}'].join('\n') }),
    );
    assert.ok(!quoted.reasons.some((r) => r.startsWith('nesting depth')), quoted.reasons.join('; '));
  });

  it('counts definitions across languages but not calls or control flow', () => {
    const count = (languageId: string, lines: string[]): string | undefined =>
      assessComplexity(requestFor({ name: languageId, languageId, code: lines.join('\n') })).reasons.find((r) => r.startsWith('spans'));
    assert.equal(count('go', ['func a() {}', 'func (s *S) b(x int) error {', 'func c[T any](x T) {']), 'spans 3 functions');
    assert.equal(count('python', ['def a():', 'async def b(x):', 'class C:', '    def c(self):', 'print(a())']), 'spans 3 functions');
    assert.equal(
      count('java', ['public static void main(String[] args) {', 'private int size() {', 'if (x) {', 'return compute(x)', 'while (running) {', 'protected List<String> names(int n) throws IOException {']),
      'spans 3 functions',
    );
    assert.equal(
      count('typescript', ['const a = async (x: number) => x;', 'function b() {', '  private async c(): Promise<void> {', 'console.log(a(1))', '} else if (ok) {']),
      'spans 3 functions',
    );
    assert.equal(count('rust', ['pub fn a() {', 'fn b(x: u32) -> u32 {', 'a();']), undefined);
  });

  it('weighs errors more than warnings and debugging more than review', () => {
    const code = 'const x = 1;';
    const base = { name: 'diag', languageId: 'typescript', code };
    const warnings = assessComplexity(requestFor({ ...base, diagnostics: [warning(1, 'a'), warning(1, 'b')] }));
    const errors = assessComplexity(requestFor({ ...base, diagnostics: [error(1, 'a'), error(1, 'b')] }));
    assert.ok(errors.score > warnings.score);
    const review = assessComplexity(requestFor({ ...base, kind: 'review', diagnostics: [error(1, 'a')] }));
    const debug = assessComplexity(requestFor({ ...base, kind: 'debug', diagnostics: [error(1, 'a')] }));
    assert.ok(debug.score > review.score);
  });

  it('flags long prompts', () => {
    const long = assessComplexity(requestFor({ name: 'long', languageId: 'plaintext', code: 'x'.repeat(2_500) }));
    assert.ok(long.reasons.includes('long prompt (2,500 characters)'), long.reasons.join('; '));
  });

  it('assesses a 2,000-line file quickly', () => {
    const code = manyHandlers(125); // about 2,000 lines
    assert.ok(code.split('\n').length >= 2_000);
    const request = requestFor({ name: 'big', languageId: 'typescript', code });
    assessComplexity(request); // warm up the regexes
    const runs = 20;
    const started = performance.now();
    for (let i = 0; i < runs; i++) assessComplexity(request);
    const perRunMs = (performance.now() - started) / runs;
    // Generous bound so a busy CI machine does not flake (typical: well under 1 ms); quadratic
    // work would take hundreds of milliseconds here.
    assert.ok(perRunMs < 10, `took ${perRunMs.toFixed(2)} ms per run`);
  });
});
