// The cost report: today / month / session, spend per day as a small bar chart, per model and
// per tier (jobs, success rate, average cost, cost per successful task).
import type { PanelCostReport } from '../src/protocol/panelMessages';
import { formatSpend, formatUsd } from '../src/core/cost/money';
import { formatSavingsAgainstList, hasSavings } from '../src/core/cost/savings';
import { h } from './dom';

/** Dollars; '—' where there is nothing to average (an unknown cost is shown with spend()). */
const usd = (n: number | null): string => (n === null ? '—' : formatUsd(n));
const spend = (n: number, unpriced: number): string => formatSpend(n, unpriced, 'detail');
const pct = (n: number | null): string => (n === null ? '—' : `${Math.round(n * 100)}%`);
const num = (n: number): string => n.toLocaleString();

function table(headers: string[], rows: (string | number)[][], label: string): HTMLTableElement {
  return h(
    'table',
    { 'aria-label': label },
    h('thead', {}, h('tr', {}, ...headers.map((x) => h('th', { scope: 'col' }, x)))),
    h('tbody', {}, ...rows.map((r) => h('tr', {}, ...r.map((c) => h('td', {}, String(c)))))),
  );
}

function budgetLine(spent: number, unpriced: number, budget: number): string {
  const excluded = unpriced > 0 ? `, excluding ${unpriced} unpriced` : '';
  return budget > 0 ? `${spend(spent, unpriced)} of ${usd(budget)} (${Math.round((spent / budget) * 100)}%${excluded})` : `${spend(spent, unpriced)} (no limit)`;
}

export function renderCostReport(r: PanelCostReport): HTMLElement {
  const max = Math.max(0.0001, ...r.days.map((d) => d.usd));
  const chart = h('div', { class: 'chart', role: 'img', 'aria-label': `Spend per day over ${r.days.length} days` });
  for (const [i, d] of r.days.entries()) {
    // A value on days with spend; a date on the last day and every 7th before it, so a month stays legible.
    const dated = (r.days.length - 1 - i) % 7 === 0;
    const bar = h('div', { class: 'bar', title: `${d.date}: ${usd(d.usd)}, ${d.jobs} job${d.jobs === 1 ? '' : 's'}, ${num(d.thinkingTokens)} thinking / ${num(d.answerTokens)} answer tokens` });
    bar.append(h('span', { class: 'value' }, d.usd > 0 ? usd(d.usd) : ''), h('div', { class: 'fill', 'data-height': String(Math.round((d.usd / max) * 100)) }), h('span', { class: 'date' }, dated ? d.date.slice(5) : ''));
    chart.append(bar);
  }
  chart.prepend(h('div', { class: 'axis', 'aria-hidden': 'true' }, h('span', {}, usd(max)), h('span', {}, '$0')));
  // CSP forbids inline styles in markup; set heights through the CSSOM instead.
  for (const fill of chart.querySelectorAll<HTMLElement>('.fill')) fill.style.height = `${fill.dataset.height ?? '0'}%`;

  return h(
    'section',
    { class: 'cost-report', 'aria-label': 'Cost report' },
    h('h2', {}, 'Cost report'),
    h(
      'div',
      { class: 'cost-cards' },
      card('Today', budgetLine(r.today.usd, r.today.unknownCostJobs, r.dailyBudgetUsd), r.today),
      card('This month', budgetLine(r.month.usd, r.month.unknownCostJobs, r.monthlyBudgetUsd), r.month),
      card('This session', spend(r.session.usd, r.session.unknownCostJobs), r.session),
    ),
    savingsLine(r),
    h('h3', {}, 'Spend per day'),
    chart,
    h('h3', {}, 'Reasoning vs standard models'),
    table(
      ['Tier', 'Jobs', 'Success rate', 'Average cost', 'Cost per successful task', 'Thinking tokens', 'Answer tokens'],
      r.tiers.map((t) => [t.tier, t.jobs, pct(t.successRate), usd(t.averageUsd), usd(t.costPerSuccessUsd), num(t.thinkingTokens), num(t.answerTokens)]),
      'Per tier',
    ),
    h('p', { class: 'muted' }, `Cost per successful task overall: ${usd(r.costPerSuccessfulTaskUsd)}. A task counts as successful when you mark it helpful or apply one of its fixes.`),
    h('h3', {}, 'Per model'),
    table(
      ['Model', 'Jobs', 'Spend', 'Thinking tokens', 'Answer tokens'],
      r.models.map((m) => [m.model, m.jobs, m.unknownCostJobs === m.jobs ? formatUsd(null) : spend(m.usd, m.unknownCostJobs), num(m.thinkingTokens), num(m.answerTokens)]),
      'Per model',
    ),
  );
}

/** What prompt caching and batching saved over the window, and the prompt-cache tokens. */
function savingsLine(r: PanelCostReport): HTMLElement | null {
  const s = r.savings;
  // Nothing saved is not news: the line appears once caching or batching changed a price.
  if (!s || s.jobs === 0 || !hasSavings(s)) return null;
  const cache = r.cacheTokens && (r.cacheTokens.read || r.cacheTokens.write) ? ` Prompt cache: ${num(r.cacheTokens.read)} tokens read, ${num(r.cacheTokens.write)} written.` : '';
  return h('p', { class: 'savings' }, `Last ${r.days.length} days: ${formatSavingsAgainstList(s)}, over ${s.jobs} priced job${s.jobs === 1 ? '' : 's'}.${cache}`);
}

function card(title: string, spend: string, t: PanelCostReport['today']): HTMLElement {
  return h(
    'div',
    { class: 'cost-card' },
    h('h4', {}, title),
    h('div', { class: 'big' }, spend),
    h('div', { class: 'muted' }, `${t.jobs} job${t.jobs === 1 ? '' : 's'} · ${num(t.reasoningTokens)} thinking · ${num(t.answerTokens)} answer tokens${t.unknownCostJobs ? ` · ${t.unknownCostJobs} with unknown cost` : ''}`),
  );
}
