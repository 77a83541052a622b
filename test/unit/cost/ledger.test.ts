import * as assert from 'node:assert/strict';
import { answerTokensOf, CostLedger, localDay, totalsOf, type LedgerRecord, type LedgerReservation, type LedgerTotals } from '../../../src/core/cost/ledger';
import { MemoryTextStore, type TextStore } from '../../../src/core/storage';
import { ledgerRecord } from '../../support/records';

// Local-time constructors keep the day/month boundaries independent of the machine's zone.
const MAR_15_10H = new Date(2026, 2, 15, 10, 0).getTime();
const MAR_15_0H01 = new Date(2026, 2, 15, 0, 1).getTime();
const MAR_14_23H59 = new Date(2026, 2, 14, 23, 59).getTime();
const MAR_01 = new Date(2026, 2, 1, 0, 0).getTime();
const FEB_28 = new Date(2026, 1, 28, 23, 0).getTime();

const rec = (partial: Partial<LedgerRecord> & { jobId: string }): LedgerRecord =>
  ledgerRecord({ outputTokens: 500, reasoningTokens: 300, answerTokens: 200, costUsd: 0.01, ...partial }, MAR_15_10H);

function collect(): { warn: (m: string) => void; warnings: string[] } {
  const warnings: string[] = [];
  return { warn: (m) => warnings.push(m), warnings };
}

describe('ledger', () => {
  it('appends one JSON line per record and reads them back after reopening', async () => {
    const store = new MemoryTextStore();
    const ledger = await CostLedger.open(store);
    await ledger.append(rec({ jobId: 'a' }));
    await ledger.append(rec({ jobId: 'b', costUsd: null, costSource: 'unknown' }));
    const text = store.files.get('ledger.jsonl') ?? '';
    assert.equal(text.split('\n').length, 3, 'two lines and a final newline');
    assert.ok(text.endsWith('\n'));
    assert.deepEqual(JSON.parse(text.split('\n')[0] ?? ''), { type: 'job', ...rec({ jobId: 'a' }) });

    const reopened = await CostLedger.open(store);
    assert.deepEqual(reopened.records(), [rec({ jobId: 'a' }), rec({ jobId: 'b', costUsd: null, costSource: 'unknown' })]);
  });

  it('honours a custom file name', async () => {
    const store = new MemoryTextStore();
    const ledger = await CostLedger.open(store, { fileName: 'costs.jsonl' });
    await ledger.append(rec({ jobId: 'a' }));
    assert.ok(store.files.has('costs.jsonl'));
    assert.ok(!store.files.has('ledger.jsonl'));
  });

  it('never rewrites the file: it only appends', async () => {
    const store = new MemoryTextStore();
    let writes = 0;
    const spy: TextStore = {
      withLock: (_n, f) => f(),
      read: (n) => store.read(n),
      write: async (n, t) => {
        writes += 1;
        await store.write(n, t);
      },
      append: (n, t) => store.append(n, t),
      remove: (n) => store.remove(n),
    };
    const ledger = await CostLedger.open(spy);
    await ledger.append(rec({ jobId: 'a' }));
    await ledger.markSuccess('a', 'helpful');
    await ledger.markNotHelpful('a');
    assert.equal(writes, 0);
    assert.equal((store.files.get('ledger.jsonl') ?? '').trimEnd().split('\n').length, 3);
  });

  it('recovers from a truncated last line with a warning, and the next append starts a fresh line', async () => {
    const store = new MemoryTextStore();
    const first = await CostLedger.open(store);
    await first.append(rec({ jobId: 'a' }));
    const good = store.files.get('ledger.jsonl') ?? '';
    const torn = JSON.stringify({ type: 'job', ...rec({ jobId: 'torn' }) }).slice(0, 40);
    store.files.set('ledger.jsonl', good + torn);

    const { warn, warnings } = collect();
    const ledger = await CostLedger.open(store, { warn });
    assert.deepEqual(ledger.records().map((r) => r.jobId), ['a']);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0] ?? '', /line 2/);

    await ledger.append(rec({ jobId: 'c' }));
    assert.equal(warnings.length, 1, 'the torn line is reported once, not again when a write ends it');
    const { warn: warn2, warnings: warnings2 } = collect();
    const again = await CostLedger.open(store, { warn: warn2 });
    assert.deepEqual(again.records().map((r) => r.jobId), ['a', 'c'], 'the torn line did not swallow the next record');
    assert.equal(warnings2.length, 1, 'only the torn line is lost');
    // Exactly one separator was added: later appends do not insert blank lines.
    await again.append(rec({ jobId: 'd' }));
    assert.ok(!(store.files.get('ledger.jsonl') ?? '').includes('\n\n'));
  });

  it('skips a garbage line in the middle and loads the rest', async () => {
    const store = new MemoryTextStore();
    const line = (r: LedgerRecord): string => JSON.stringify({ type: 'job', ...r });
    store.files.set(
      'ledger.jsonl',
      [
        line(rec({ jobId: 'a' })),
        '\u0000\u0000garbage{{',
        JSON.stringify({ type: 'job', jobId: 'half' }),
        line(rec({ jobId: 'b', tier: 'legendary' as 'fast' })),
        '',
        line(rec({ jobId: 'c' })),
        '',
      ].join('\n'),
    );
    const { warn, warnings } = collect();
    const ledger = await CostLedger.open(store, { warn });
    assert.deepEqual(ledger.records().map((r) => r.jobId), ['a', 'c']);
    assert.equal(warnings.length, 1, 'one summary warning, blank lines are not errors');
    assert.match(warnings[0] ?? '', /3 unreadable lines/);
    assert.match(warnings[0] ?? '', /2, 3, 4/);
  });

  it('keeps the spend in memory when the disk write fails, and rethrows', async () => {
    const store = new MemoryTextStore();
    const failing: TextStore = { read: (n) => store.read(n), write: (n, t) => store.write(n, t), remove: (n) => store.remove(n), append: async () => Promise.reject(new Error('disk full')), withLock: (_n, f) => f() };
    const ledger = await CostLedger.open(failing, { now: () => MAR_15_10H });
    await assert.rejects(ledger.append(rec({ jobId: 'a', costUsd: 0.5 })), /disk full/);
    assert.equal(ledger.spent().todayUsd, 0.5);
  });

  it('rejects a record it could not read back', async () => {
    const ledger = await CostLedger.open(new MemoryTextStore());
    await assert.rejects(ledger.append(rec({ jobId: 'a', costUsd: Number.NaN })), /Invalid ledger record/);
    await assert.rejects(ledger.append(rec({ jobId: 'a', inputTokens: -1 })), /inputTokens/);
    assert.equal(ledger.records().length, 0);
  });

  it('totals today, this month and this session in local time with an injected clock', async () => {
    const store = new MemoryTextStore();
    const old = await CostLedger.open(store, { now: () => MAR_15_10H });
    await old.append(rec({ jobId: 'feb', at: FEB_28, costUsd: 1 }));
    await old.append(rec({ jobId: 'mar1', at: MAR_01, costUsd: 2 }));
    await old.append(rec({ jobId: 'yesterday', at: MAR_14_23H59, costUsd: 4 }));
    await old.append(rec({ jobId: 'early', at: MAR_15_0H01, costUsd: 8 }));

    const ledger = await CostLedger.open(store, { now: () => MAR_15_10H });
    await ledger.append(rec({ jobId: 'now', at: MAR_15_10H, costUsd: 16 }));
    await ledger.append(rec({ jobId: 'unknown', at: MAR_15_10H, costUsd: null, costSource: 'unknown' }));
    await ledger.append(rec({ jobId: 'fromCache', at: MAR_15_10H, costUsd: 0, cached: true, inputTokens: 999, outputTokens: 999, reasoningTokens: 999, answerTokens: 0 }));

    const { session, today, month } = ledger.totals();
    assert.equal(today.usd, 8 + 16);
    assert.equal(today.jobs, 4);
    assert.equal(today.unknownCostJobs, 1);
    assert.equal(month.usd, 2 + 4 + 8 + 16);
    assert.equal(month.jobs, 6);
    assert.equal(session.usd, 16);
    assert.equal(session.jobs, 3);
    // The cached answer counts as a job but adds no tokens.
    assert.equal(session.inputTokens, 2_000);
    assert.equal(session.outputTokens, 1_000);
    assert.deepEqual(ledger.spent(), { todayUsd: 24, monthUsd: 30 });
  });

  it('moves to a new day and month as the clock does', async () => {
    let now = MAR_14_23H59;
    const ledger = await CostLedger.open(new MemoryTextStore(), { now: () => now });
    await ledger.append(rec({ jobId: 'a', at: MAR_14_23H59, costUsd: 3 }));
    assert.deepEqual(ledger.spent(), { todayUsd: 3, monthUsd: 3 });
    now = MAR_15_0H01;
    assert.deepEqual(ledger.spent(), { todayUsd: 0, monthUsd: 3 });
    now = new Date(2026, 3, 1, 0, 0).getTime();
    assert.deepEqual(ledger.spent(), { todayUsd: 0, monthUsd: 0 });
  });

  it('splits output into thinking and answer tokens', async () => {
    assert.equal(answerTokensOf(500, 300), 200);
    assert.equal(answerTokensOf(100, 300), 0, 'never negative');
    const totals = totalsOf([rec({ jobId: 'a' }), rec({ jobId: 'b', outputTokens: 1_000, reasoningTokens: 0, answerTokens: 1_000 })]);
    assert.equal(totals.reasoningTokens, 300);
    assert.equal(totals.answerTokens, 1_200);
    assert.equal(totals.outputTokens, 1_500);
  });

  it('records success marks as event lines that survive reopening', async () => {
    const store = new MemoryTextStore();
    const ledger = await CostLedger.open(store, { now: () => MAR_15_10H });
    await ledger.append(rec({ jobId: 'a' }));
    await ledger.append(rec({ jobId: 'b' }));
    await ledger.append(rec({ jobId: 'c' }));
    assert.equal(ledger.isSuccessful('a'), false);
    await ledger.markSuccess('a', 'helpful');
    await ledger.markSuccess('b', 'fixApplied');
    await ledger.markSuccess('c', 'helpful');
    await ledger.markNotHelpful('c');
    // An applied fix still counts after "not helpful"; only the helpful mark is cleared.
    await ledger.markNotHelpful('b');
    assert.deepEqual(['a', 'b', 'c'].map((id) => ledger.isSuccessful(id)), [true, true, false]);

    const lastLine = (store.files.get('ledger.jsonl') ?? '').trimEnd().split('\n').pop() ?? '';
    assert.deepEqual(JSON.parse(lastLine), { type: 'outcome', jobId: 'b', at: MAR_15_10H, mark: 'notHelpful' });

    const reopened = await CostLedger.open(store);
    assert.deepEqual(['a', 'b', 'c', 'zzz'].map((id) => reopened.isSuccessful(id)), [true, true, false, false]);
    assert.equal(reopened.records().length, 3, 'outcome lines are not records');
  });

  it('formats local days as YYYY-MM-DD', () => {
    assert.equal(localDay(new Date(2026, 0, 5, 23, 59).getTime()), '2026-01-05');
  });

  it('returns a snapshot of the records', async () => {
    const ledger = await CostLedger.open(new MemoryTextStore());
    const before = ledger.records();
    await ledger.append(rec({ jobId: 'a' }));
    assert.equal(before.length, 0);
    assert.equal(ledger.records().length, 1);
  });
});

describe('ledger reservations, other processes and the summary', () => {
  const reservation = (jobId: string, usd: number | null, at = MAR_15_10H): LedgerReservation => ({ jobId, at, provider: 'anthropic', model: 'claude-sonnet-4-5', tier: 'reasoning', kind: 'review', inputTokens: 1_000, maxOutputTokens: 10_000, usd });
  const allow = () => ({ allowed: true });

  it('counts a reservation at its worst case until the job line replaces it', async () => {
    const ledger = await CostLedger.open(new MemoryTextStore(), { now: () => MAR_15_10H });
    await ledger.reserve(reservation('a', 0.3), allow);
    assert.equal(ledger.spent().todayUsd, 0.3);
    assert.equal(ledger.totals().today.unfinishedJobs, 1);
    assert.deepEqual(ledger.records().map((r) => [r.jobId, r.outcome, r.costUsd]), [['a', 'unfinished', 0.3]]);
    await ledger.append(rec({ jobId: 'a', costUsd: 0.01 }));
    assert.equal(ledger.spent().todayUsd, 0.01, 'the final usage replaces the reservation');
    assert.equal(ledger.totals().today.jobs, 1);
    assert.equal(ledger.totals().today.unfinishedJobs, 0);
    assert.equal(ledger.totals().session.usd, 0.01);
    assert.deepEqual(ledger.records().map((r) => r.outcome), ['succeeded']);
  });

  it('an unpriced reservation is an unknown cost, not $0 and not a refusal', async () => {
    const ledger = await CostLedger.open(new MemoryTextStore(), { now: () => MAR_15_10H });
    await ledger.reserve(reservation('a', null), allow);
    assert.equal(ledger.totals().today.unknownCostJobs, 1);
    assert.equal(ledger.totals().today.usd, 0);
  });

  it('writes the reservation only when the decision allows it, deciding on every process\'s spend', async () => {
    const store = new MemoryTextStore();
    const one = await CostLedger.open(store, { now: () => MAR_15_10H });
    const two = await CostLedger.open(store, { now: () => MAR_15_10H });
    const underOneDollar = (spent: { todayUsd: number }) => ({ allowed: spent.todayUsd + 0.6 <= 1, seen: spent.todayUsd });
    const first = await one.reserve(reservation('a', 0.6), underOneDollar);
    // `two` has not read anything yet: the reserve step reads the other process's line first.
    const second = await two.reserve(reservation('b', 0.6), underOneDollar);
    assert.deepEqual([first, second], [{ allowed: true, seen: 0 }, { allowed: false, seen: 0.6 }]);
    assert.equal((store.files.get('ledger.jsonl') ?? '').trim().split('\n').length, 1, 'the refused reservation was not written');
    assert.equal(two.totals().session.usd, 0, "the other process's job is not this session's");
  });

  it('sees appends from another process on refresh (tail read), and replaces their reservations', async () => {
    const store = new MemoryTextStore();
    const mine = await CostLedger.open(store, { now: () => MAR_15_10H });
    const theirs = await CostLedger.open(store, { now: () => MAR_15_10H });
    await theirs.reserve(reservation('x', 2), allow);
    assert.equal(mine.spent().todayUsd, 0, 'not read yet');
    await mine.refresh();
    assert.equal(mine.spent().todayUsd, 2);
    await theirs.append(rec({ jobId: 'x', costUsd: 0.5 }));
    await mine.refresh();
    assert.equal(mine.spent().todayUsd, 0.5);
    assert.deepEqual(mine.records().map((r) => r.jobId), ['x']);
  });

  it('opens from the summary plus the tail, with the same totals as a full read', async () => {
    const store = new MemoryTextStore();
    const writer = await CostLedger.open(store, { now: () => MAR_15_10H });
    // Enough lines for a summary (256 KiB), on two days, one reservation left open.
    for (let i = 0; i < 700; i++) await writer.append(rec({ jobId: `j${i}`, at: i % 2 ? MAR_15_10H : MAR_14_23H59, costUsd: 0.001 * (i % 7), model: 'm'.repeat(200) }));
    await writer.reserve(reservation('open', 0.25), allow);
    await writer.markSuccess('j3', 'helpful');
    await writer.append(rec({ jobId: 'late', costUsd: 1 }));
    assert.ok(store.files.has('ledger.summary.json'), 'a summary was written');
    const summary = JSON.parse(store.files.get('ledger.summary.json') ?? '{}') as { offset: number };
    assert.ok(summary.offset > 0 && summary.offset < Buffer.byteLength(store.files.get('ledger.jsonl') ?? ''), 'the summary covers a prefix; the rest is the tail');

    const fromSummary = await CostLedger.open(store, { now: () => MAR_15_10H });
    store.files.delete('ledger.summary.json');
    const fullRead = await CostLedger.open(store, { now: () => MAR_15_10H });
    const strip = (t: LedgerTotals) => ({ ...t, usd: Math.round(t.usd * 1e9) / 1e9, reservedUsd: Math.round(t.reservedUsd * 1e9) / 1e9 });
    assert.deepEqual(strip(fromSummary.totals().today), strip(fullRead.totals().today));
    assert.deepEqual(strip(fromSummary.totals().month), strip(fullRead.totals().month));
    assert.equal(fromSummary.totals().today.unfinishedJobs, 1);
    assert.equal(fromSummary.isSuccessful('j3'), true, 'marks survive in the summary');
    // Records older than the summary load on demand.
    assert.ok(fromSummary.records().length < 702);
    await fromSummary.loadHistory();
    assert.equal(fromSummary.records().length, 702, '701 jobs and the open reservation');
    assert.deepEqual(new Set(fromSummary.records().map((r) => r.jobId)), new Set(fullRead.records().map((r) => r.jobId)));
  });

  it('ignores a summary that belongs to another ledger file', async () => {
    const store = new MemoryTextStore();
    const a = await CostLedger.open(store, { now: () => MAR_15_10H });
    for (let i = 0; i < 400; i++) await a.append(rec({ jobId: `j${i}`, model: 'm'.repeat(400) }));
    assert.ok(store.files.has('ledger.summary.json'));
    // The ledger is replaced (restored from a backup, say) by a longer, different one.
    const other = Array.from({ length: 500 }, (_, i) => JSON.stringify({ type: 'job', ...rec({ jobId: `other${i}`, costUsd: 0.002, model: 'n'.repeat(400) }) })).join('\n') + '\n';
    store.files.set('ledger.jsonl', other);
    const reopened = await CostLedger.open(store, { now: () => MAR_15_10H });
    assert.equal(reopened.totals().today.jobs, 500);
    assert.equal(Math.round(reopened.spent().todayUsd * 1000) / 1000, 1);
  });

  it('moves an oversized ledger aside before reading it, names it, and carries its totals over', async () => {
    const store = new MemoryTextStore();
    const writer = await CostLedger.open(store, { now: () => MAR_15_10H });
    for (let i = 0; i < 50; i++) await writer.append(rec({ jobId: `j${i}`, costUsd: 0.02 }));
    const { warn, warnings } = collect();
    const ledger = await CostLedger.open(store, { now: () => MAR_15_10H, warn, maxBytes: 10_000 });
    assert.equal(warnings.length, 1);
    const aside = /moved aside to (\S+) /.exec(warnings[0] ?? '')?.[1] ?? '';
    assert.match(aside, /^ledger\.jsonl\.too-large-\d+$/);
    assert.ok(store.files.has(aside), 'the old file is kept, under the name the warning gives');
    assert.equal(store.files.get('ledger.jsonl'), undefined, 'a new ledger starts');
    assert.equal(Math.round(ledger.spent().todayUsd * 100) / 100, 1, 'the spend still counts against the budget');
    await ledger.append(rec({ jobId: 'new', costUsd: 0.5 }));
    const reopened = await CostLedger.open(store, { now: () => MAR_15_10H, maxBytes: 10_000 });
    assert.equal(Math.round(reopened.spent().todayUsd * 100) / 100, 1.5, 'carried totals plus the new file');
  });

  it('skips an absurdly long line without holding it, and reads the records after it', async () => {
    const store = new MemoryTextStore();
    store.files.set('ledger.jsonl', `${'x'.repeat(3 * 1024 * 1024)}\n${JSON.stringify({ type: 'job', ...rec({ jobId: 'after' }) })}\n`);
    const { warn, warnings } = collect();
    const ledger = await CostLedger.open(store, { warn });
    assert.deepEqual(ledger.records().map((r) => r.jobId), ['after']);
    assert.match(warnings[0] ?? '', /skipped 1 unreadable line \(line 1\)/);
  });
});
