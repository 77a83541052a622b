// `deep-review cost`: today's and this month's totals, then the cost report. Unpriced jobs are
// counted as such ("$0.42 + 3 unpriced"), never as $0.
import { buildCostReport, formatCostReportText } from '../core/cost/costReport';
import { CostLedger, type LedgerTotals } from '../core/cost/ledger';
import { formatSpend } from '../core/cost/money';
import type { TextStore } from '../core/storage';
import type { WarningSink } from '../core/warnings';

function totalsLine(name: string, t: LedgerTotals): string {
  const num = (n: number) => n.toLocaleString('en-US');
  const extra = [
    t.unfinishedJobs ? `${t.unfinishedJobs} unfinished, held at the worst case` : '',
    t.untrustedJobs ? `${t.untrustedJobs} with usage not trusted, charged the worst case` : '',
  ].filter(Boolean);
  return (
    `${name.padEnd(12)} ${formatSpend(t.usd, t.unknownCostJobs, 'detail').padStart(22)}  ${String(t.jobs).padStart(5)} jobs  ` +
    `${num(t.reasoningTokens).padStart(12)} thinking  ${num(t.answerTokens).padStart(12)} answer${extra.length ? `  (${extra.join('; ')})` : ''}`
  );
}

export async function costCommand(store: TextStore, warn: WarningSink, out: (text: string) => void): Promise<number> {
  const ledger = await CostLedger.open(store, { warn });
  const t = ledger.totals();
  out(`${totalsLine('Today', t.today)}\n${totalsLine('This month', t.month)}\n\n`);
  await ledger.loadHistory();
  out(formatCostReportText(buildCostReport(ledger.records(), (id) => ledger.isSuccessful(id)), { priceHint: 'give prices with --price-in/--price-out or prices.json in the data folder' }));
  out('\n');
  return 0;
}
