// The job detail, one render function per section: header, actions, notices, findings,
// reasoning, answer. Model output (explanations, warnings, the answer) is markdown, rendered
// safely; everything else goes in as text.
import { batchStatusLine, type PanelAction, type PanelFinding, type PanelJobDetail } from '../src/protocol/panelMessages';
import { h, icon } from './dom';
import { blockAppender, BLOCK_CHARS } from './liveText';
import { renderMarkdown } from './markdown';
import { request } from './requests';
import { formatUsd } from '../src/core/cost/money';
import { formatSavings, hasSavings } from '../src/core/cost/savings';

const SEVERITY_ICON: Record<PanelFinding['severity'], string> = { critical: 'error', high: 'error', medium: 'warning', low: 'info', info: 'lightbulb' };
const LOW_CONFIDENCE = 0.5;

export const isRunning = (job: PanelJobDetail) => job.status === 'running' || job.status === 'queued';

/** "line 6" / "lines 6–8" (never "lines 6–6"). */
export function linesLabel(start: number, end: number): string {
  return start === end ? `line ${start}` : `lines ${start}–${end}`;
}

/** "cart.ts:10" / "cart.ts:10-12" (never "10-10"). */
export function targetLabel(job: PanelJobDetail): string {
  const t = job.target;
  if (t.startLine === undefined) return t.file;
  const end = t.endLine ?? t.startLine;
  return end === t.startLine ? `${t.file}:${t.startLine}` : `${t.file}:${t.startLine}-${end}`;
}

function markdownBlock(tag: 'div' | 'span', cls: string, text: string): HTMLElement {
  const el = h(tag, { class: `${cls} markdown` });
  el.innerHTML = renderMarkdown(text);
  return el;
}

/**
 * A button for an action that can fail: disabled while the host works on it; when the host
 * answers with an error, the error shows next to the actions (role=alert) until the next try.
 */
export function actionButton(label: string, iconName: string, action: PanelAction, extra: Record<string, string> = {}): HTMLButtonElement {
  const b = h('button', { type: 'button', ...extra }, icon(iconName), label);
  b.addEventListener('click', () => {
    b.disabled = true;
    const bar = b.closest('.actions, .finding-actions');
    bar?.parentElement?.querySelector(':scope > .action-error')?.remove();
    void request(action).then((result) => {
      b.disabled = false;
      if (!result.ok && bar) bar.after(h('div', { class: 'action-error error', role: 'alert' }, icon('error'), `${label} failed: ${result.error ?? 'unknown error'}`));
    });
  });
  return b;
}

export function renderHeader(job: PanelJobDetail): HTMLElement {
  const range = { startLine: job.target.startLine ?? 1, endLine: job.target.endLine ?? job.target.startLine ?? 1 };
  const target = h('a', { href: '#', class: 'target' }, targetLabel(job));
  target.addEventListener('click', (e) => {
    e.preventDefault();
    void request({ type: 'revealRange', jobId: job.id, ...range });
  });
  const badges = h('div', { class: 'badges' });
  if (job.cached) badges.append(h('span', { class: 'badge cached' }, 'cached'));
  if (job.stale) badges.append(h('span', { class: 'badge stale', title: 'The file changed since this analysis' }, 'stale'));
  const u = job.usage;
  const cacheTokens = u && (u.cacheReadTokens || u.cacheWriteTokens) ? ` (${(u.cacheReadTokens ?? 0).toLocaleString()} cache read, ${(u.cacheWriteTokens ?? 0).toLocaleString()} cache write)` : '';
  const usage = u ? h('span', { class: 'usage' }, `${u.reasoningTokens.toLocaleString()} thinking · ${(u.outputTokens - u.reasoningTokens).toLocaleString()} answer · ${u.inputTokens.toLocaleString()} in${cacheTokens}${u.estimated ? ' (estimated)' : ''}`) : null;
  const cost = job.costUsd === undefined ? null : h('span', { class: 'cost' }, job.costUsd === null ? 'cost unknown' : formatUsd(job.costUsd));
  return h(
    'header',
    {},
    h('h2', {}, job.title),
    h(
      'div',
      { class: 'meta' },
      target,
      job.model ? h('span', {}, `${job.tier ?? ''} · ${job.model}`) : null,
      usage,
      cost,
      hasSavings(job.savings) ? h('span', { class: 'savings', title: `List price without prompt caching or the batch discount: ${formatUsd(job.savings.listUsd)}` }, formatSavings(job.savings)) : null,
      job.durationMs !== undefined ? h('span', {}, `${(job.durationMs / 1000).toFixed(1)} s`) : null,
      h('span', { class: 'job-id', title: 'Job id (in the log and notifications)' }, `job ${job.id}`),
    ),
    badges,
    job.routeReasons.length ? h('ul', { class: 'reasons', 'aria-label': 'Why this model' }, ...job.routeReasons.map((r) => h('li', {}, r))) : null,
    job.routeNote ? h('p', { class: 'note' }, icon('info'), job.routeNote) : null,
  );
}

export function renderActions(job: PanelJobDetail): HTMLElement {
  const bar = h('div', { class: 'actions', role: 'toolbar', 'aria-label': 'Job actions' });
  const id = job.id;
  // A batch job whose cancel was asked for waits for the provider to confirm it.
  if (isRunning(job) && !job.batch?.cancelRequested) bar.append(actionButton('Cancel', 'stop-circle', { type: 'cancelJob', jobId: id }));
  if (job.status === 'failed' || job.status === 'cancelled' || job.status === 'interrupted') bar.append(actionButton('Re-run', 'refresh', { type: 'rerun', jobId: id }));
  if (job.canEscalate) {
    bar.append(actionButton('Re-run with extended thinking', 'sparkle', { type: 'rerunWithExtendedThinking', jobId: id }));
    // From the fast tier there is a middle step: the capable model.
    if (job.tier === 'fast') bar.append(actionButton('Escalate', 'arrow-up', { type: 'escalate', jobId: id }));
  }
  if (!isRunning(job)) {
    bar.append(
      actionButton('Helpful', 'thumbsup', { type: 'feedback', jobId: id, helpful: true }, { 'aria-pressed': String(job.feedback === 'helpful') }),
      actionButton('Not helpful', 'thumbsdown', { type: 'feedback', jobId: id, helpful: false }, { 'aria-pressed': String(job.feedback === 'notHelpful') }),
      actionButton('Copy', 'copy', { type: 'copy', jobId: id }),
      actionButton('Export Markdown', 'markdown', { type: 'export', jobId: id, format: 'markdown' }),
      actionButton('Export HTML', 'file-code', { type: 'export', jobId: id, format: 'html' }),
    );
  }
  return bar;
}

/** The error, the warnings and the summary; warnings may carry markdown (code names in backticks). */
export function renderNotices(job: PanelJobDetail): HTMLElement[] {
  const out: HTMLElement[] = [];
  if (job.batch) {
    const when = job.batch.cancelRequested ? 'The cancel was sent; the job ends when the provider confirms it.' : 'The answer arrives within 24 hours (usually much sooner); its reasoning and findings show here, and you are notified.';
    out.push(h('div', { class: 'batch-status note', role: 'status' }, icon('cloud-upload'), `Run later at half price: ${batchStatusLine(job.batch)}. ${when}`));
  }
  if (job.error) out.push(h('div', { class: 'error', role: 'alert' }, icon('error'), job.error));
  for (const w of job.warnings) out.push(h('div', { class: 'warning' }, icon('warning'), markdownBlock('span', 'warning-text', w)));
  if (job.summary) out.push(h('p', { class: 'summary' }, job.summary));
  return out;
}

export function renderFindings(job: PanelJobDetail): HTMLElement {
  const section = h('section', { class: 'findings', 'aria-label': 'Findings' });
  if (job.status === 'succeeded' && job.findings.length === 0) {
    // Only a structured answer can say "no findings"; a text answer simply has none to list.
    section.append(h('p', { class: 'muted' }, job.structured === false ? 'The answer came as text, without structured findings: read it below.' : 'No findings.'));
  }
  for (const finding of job.findings) section.append(renderFinding(job.id, finding));
  return section;
}

function renderFinding(jobId: string, finding: PanelFinding): HTMLElement {
  const el = h(
    'article',
    { class: `finding severity-${finding.severity}${finding.confidence < LOW_CONFIDENCE ? ' low-confidence' : ''}${finding.dismissed ? ' dismissed' : ''}`, 'aria-label': `${finding.severity} finding: ${finding.title}` },
    h('header', {}, icon(SEVERITY_ICON[finding.severity], finding.severity), h('strong', {}, finding.title), h('span', { class: 'confidence', title: 'Model confidence' }, `${Math.round(finding.confidence * 100)}%`)),
    markdownBlock('div', 'explanation', finding.explanation),
  );
  const ids = { jobId, findingId: finding.id };
  const actions = h('div', { class: 'finding-actions' }, actionButton(linesLabel(finding.startLine, finding.endLine), 'go-to-file', { type: 'revealRange', jobId, startLine: finding.startLine, endLine: finding.endLine }));
  if (finding.suggestedFix !== undefined) actions.append(actionButton('Preview fix', 'diff', { type: 'previewFix', ...ids }), actionButton('Apply fix', 'check', { type: 'applyFix', ...ids }));
  actions.append(actionButton(finding.dismissed ? 'Restore' : 'Dismiss', 'close', { type: 'dismissFinding', ...ids }));
  el.append(actions);
  return el;
}

export function renderReasoning(job: PanelJobDetail, open: boolean): { details: HTMLDetailsElement; append: (text: string) => void } {
  const text = h('pre', { class: 'reasoning-text' });
  // Long traces are laid out in blocks from the start, not as one huge text node.
  const append = blockAppender(text);
  for (let i = 0; i < job.reasoning.length; i += BLOCK_CHARS) append(job.reasoning.slice(i, i + BLOCK_CHARS));
  const details = h(
    'details',
    { class: 'reasoning', open: open ? true : undefined },
    h('summary', {}, icon('lightbulb-sparkle'), h('span', {}, 'Reasoning'), job.reasoningSummary ? h('span', { class: 'muted' }, ` — ${job.reasoningSummary}`) : null),
    text,
  );
  return { details, append };
}

export function renderAnswer(job: PanelJobDetail): HTMLElement {
  if (isRunning(job)) return h('div', { class: 'answer streaming' });
  const el = h('div', { class: 'answer markdown' });
  el.innerHTML = renderMarkdown(job.answer);
  return el;
}
