// Results panel: job list on the left, job detail on the right. Receives validated host
// messages; streaming deltas are appended per animation frame, never re-rendering the job.
import {
  hostMessageSchema,
  type HostMessage,
  type PanelFinding,
  type PanelJobDetail,
  type PanelJobSummary,
} from '../src/protocol/panelMessages';
import { h, icon } from './dom';
import { renderCostReport } from './costReportView';
import { FrameBatcher } from './frameBatcher';
import { renderMarkdown } from './markdown';
import { vscode } from './vscodeApi';
import { formatUsd } from '../src/core/money';

const SEVERITY_ICON: Record<PanelFinding['severity'], string> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'info',
  info: 'lightbulb',
};
const LOW_CONFIDENCE = 0.5;

interface LiveStream {
  jobId: string;
  reasoning: FrameBatcher;
  answer: FrameBatcher;
  reasoningEl: HTMLElement;
  answerEl: HTMLElement;
  details: HTMLDetailsElement;
  answerStarted: boolean;
}

let keepReasoningExpanded = false;
let jobs: PanelJobSummary[] = [];
let selectedJobId: string | undefined = vscode.getState()?.selectedJobId;
let live: LiveStream | undefined;

const root = h('main', { class: 'layout' });
const list = h('nav', { class: 'job-list', 'aria-label': 'Review jobs' });
const detail = h('section', { class: 'job-detail', 'aria-live': 'polite', 'aria-label': 'Job detail' });
root.append(list, detail);
document.body.append(root);
renderEmptyDetail();

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const parsed = hostMessageSchema.safeParse(event.data);
  if (!parsed.success) {
    console.warn('Deep Review: dropped a malformed message from the host');
    return;
  }
  handle(parsed.data);
});
vscode.postMessage({ type: 'ready' });

function handle(message: HostMessage): void {
  switch (message.type) {
    case 'init':
      keepReasoningExpanded = message.keepReasoningExpanded;
      break;
    case 'jobs':
      jobs = message.jobs;
      renderList();
      break;
    case 'jobDetail':
      selectedJobId = message.job.id;
      vscode.setState({ selectedJobId, view: 'job' });
      renderList();
      renderDetail(message.job);
      break;
    case 'costReport':
      live = undefined;
      vscode.setState({ selectedJobId, view: 'cost' });
      detail.replaceChildren(renderCostReport(message.report));
      break;
    case 'jobDelta':
      if (!live || live.jobId !== message.jobId) return;
      if (message.reasoning) live.reasoning.push(message.reasoning);
      if (message.answer) live.answer.push(message.answer);
      break;
  }
}

function sortedJobs(): PanelJobSummary[] {
  const active = (s: PanelJobSummary['status']) => (s === 'running' ? 0 : s === 'queued' ? 1 : 2);
  return [...jobs].sort((a, b) => active(a.status) - active(b.status) || b.createdAt - a.createdAt);
}

function renderList(): void {
  list.replaceChildren();
  const costLink = h('button', { type: 'button', class: 'cost-link' }, icon('graph'), 'Cost report');
  costLink.addEventListener('click', () => vscode.postMessage({ type: 'showCostReport' }));
  list.append(costLink);
  if (jobs.length === 0) {
    list.append(h('p', { class: 'muted' }, 'No reviews yet.'));
    return;
  }
  const ul = h('ul', { role: 'listbox', 'aria-label': 'Jobs' });
  for (const job of sortedJobs()) {
    const selected = job.id === selectedJobId;
    const item = h(
      'li',
      { role: 'option', tabindex: '0', 'aria-selected': selected ? 'true' : 'false', class: `job status-${job.status}`, 'data-job-id': job.id },
      statusIcon(job.status),
      h('span', { class: 'job-title' }, job.title),
      h('span', { class: 'job-meta' }, [job.tier, job.model].filter(Boolean).join(' · ')),
    );
    const open = () => vscode.postMessage({ type: 'selectJob', jobId: job.id });
    item.addEventListener('click', open);
    item.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        open();
      }
    });
    ul.append(item);
  }
  list.append(ul);
}

function statusIcon(status: PanelJobSummary['status']): HTMLElement {
  const names: Record<PanelJobSummary['status'], string> = {
    queued: 'clock',
    running: 'loading codicon-modifier-spin',
    succeeded: 'pass',
    failed: 'error',
    cancelled: 'circle-slash',
    interrupted: 'debug-disconnect',
  };
  return icon(names[status], status);
}

function renderEmptyDetail(): void {
  detail.replaceChildren(
    h('div', { class: 'empty' }, h('h2', {}, 'Deep Review'), h('p', {}, 'Select code and run “Deep Review: Review Selection”, or debug the problems in a file.')),
  );
}

function button(label: string, iconName: string, onClick: () => void, extra: Record<string, string> = {}): HTMLButtonElement {
  const b = h('button', { type: 'button', ...extra }, icon(iconName), label);
  b.addEventListener('click', onClick);
  return b;
}

function renderDetail(job: PanelJobDetail): void {
  const range = job.target.startLine !== undefined ? `:${job.target.startLine}-${job.target.endLine ?? job.target.startLine}` : '';
  const target = h('a', { href: '#', class: 'target' }, `${job.target.file}${range}`);
  target.addEventListener('click', (e) => {
    e.preventDefault();
    vscode.postMessage({ type: 'revealRange', jobId: job.id, startLine: job.target.startLine ?? 1, endLine: job.target.endLine ?? job.target.startLine ?? 1 });
  });

  const badges = h('div', { class: 'badges' });
  if (job.cached) badges.append(h('span', { class: 'badge cached' }, 'cached'));
  if (job.stale) badges.append(h('span', { class: 'badge stale', title: 'The file changed since this analysis' }, 'stale'));

  const usage = job.usage
    ? h(
        'span',
        { class: 'usage' },
        `${job.usage.reasoningTokens.toLocaleString()} thinking · ${(job.usage.outputTokens - job.usage.reasoningTokens).toLocaleString()} answer · ${job.usage.inputTokens.toLocaleString()} in${job.usage.estimated ? ' (estimated)' : ''}`,
      )
    : null;
  const cost = job.costUsd === undefined ? null : h('span', { class: 'cost' }, job.costUsd === null ? 'cost unknown' : formatUsd(job.costUsd));

  const header = h(
    'header',
    {},
    h('h2', {}, job.title),
    h('div', { class: 'meta' }, target, job.model ? h('span', {}, `${job.tier ?? ''} · ${job.model}`) : null, usage, cost, job.durationMs !== undefined ? h('span', {}, `${(job.durationMs / 1000).toFixed(1)} s`) : null),
    badges,
    job.routeReasons.length ? h('ul', { class: 'reasons', 'aria-label': 'Why this model' }, ...job.routeReasons.map((r) => h('li', {}, r))) : null,
    job.routeNote ? h('p', { class: 'note' }, icon('info'), job.routeNote) : null,
  );

  const actions = h('div', { class: 'actions', role: 'toolbar', 'aria-label': 'Job actions' });
  const running = job.status === 'running' || job.status === 'queued';
  if (running) actions.append(button('Cancel', 'stop-circle', () => vscode.postMessage({ type: 'cancelJob', jobId: job.id })));
  if (job.status === 'failed' || job.status === 'cancelled' || job.status === 'interrupted') {
    actions.append(button('Re-run', 'refresh', () => vscode.postMessage({ type: 'rerun', jobId: job.id })));
  }
  if (job.canEscalate) {
    actions.append(button('Re-run with Extended Thinking', 'sparkle', () => vscode.postMessage({ type: 'rerunWithExtendedThinking', jobId: job.id })));
    // From the fast tier there is a middle step: the capable model.
    if (job.tier === 'fast') actions.append(button('Escalate', 'arrow-up', () => vscode.postMessage({ type: 'escalate', jobId: job.id })));
  }
  if (!running) {
    actions.append(
      button('Helpful', 'thumbsup', () => vscode.postMessage({ type: 'feedback', jobId: job.id, helpful: true }), { 'aria-pressed': String(job.feedback === 'helpful') }),
      button('Not helpful', 'thumbsdown', () => vscode.postMessage({ type: 'feedback', jobId: job.id, helpful: false }), { 'aria-pressed': String(job.feedback === 'notHelpful') }),
      button('Copy', 'copy', () => vscode.postMessage({ type: 'copy', jobId: job.id })),
      button('Export Markdown', 'markdown', () => vscode.postMessage({ type: 'export', jobId: job.id, format: 'markdown' })),
      button('Export HTML', 'file-code', () => vscode.postMessage({ type: 'export', jobId: job.id, format: 'html' })),
    );
  }

  const reasoningEl = h('pre', { class: 'reasoning-text' });
  // Long traces are laid out in blocks from the start, not as one huge text node.
  const appendReasoning = blockAppender(reasoningEl);
  for (let i = 0; i < job.reasoning.length; i += BLOCK_CHARS) appendReasoning(job.reasoning.slice(i, i + BLOCK_CHARS));
  const details = h(
    'details',
    { class: 'reasoning', open: running || keepReasoningExpanded ? true : undefined },
    h('summary', {}, icon('lightbulb-sparkle'), h('span', {}, 'Reasoning'), job.reasoningSummary ? h('span', { class: 'muted' }, ` — ${job.reasoningSummary}`) : null),
    reasoningEl,
  );

  const answerEl = h('div', { class: running ? 'answer streaming' : 'answer markdown' });
  if (running) answerEl.append(document.createTextNode(job.answer));
  else answerEl.innerHTML = renderMarkdown(job.answer);

  const findings = h('section', { class: 'findings', 'aria-label': 'Findings' });
  for (const finding of job.findings) findings.append(renderFinding(job.id, finding));

  const parts: (Node | null)[] = [
    header,
    actions,
    job.error ? h('div', { class: 'error', role: 'alert' }, icon('error'), job.error) : null,
    ...job.warnings.map((w) => h('div', { class: 'warning' }, icon('warning'), w)),
    job.summary ? h('p', { class: 'summary' }, job.summary) : null,
    findings,
    details,
    answerEl,
  ];
  detail.replaceChildren(...parts.filter((p): p is Node => p !== null));

  live = running ? startLive(job, reasoningEl, appendReasoning, answerEl, details) : undefined;
}

function startLive(job: PanelJobDetail, reasoningEl: HTMLElement, appendReasoning: (text: string) => void, answerEl: HTMLElement, details: HTMLDetailsElement): LiveStream {
  // While streaming, the answer is shown as plain text (markdown renders once it is complete);
  // it grows in blocks like the reasoning, so a long answer costs the same per frame.
  const appendAnswer = blockAppender(answerEl, job.answer);
  const stream: LiveStream = {
    jobId: job.id,
    reasoningEl,
    answerEl,
    details,
    answerStarted: job.answer.length > 0,
    // Each frame's text becomes one new text node (two at a block boundary): appending never
    // copies or re-lays out what is already shown.
    reasoning: new FrameBatcher(appendReasoning),
    answer: new FrameBatcher((text) => {
      if (!stream.answerStarted) {
        stream.answerStarted = true;
        if (!keepReasoningExpanded) details.open = false;
      }
      appendAnswer(text);
    }),
  };
  return stream;
}

/** Streamed text goes into blocks of about this many characters. */
const BLOCK_CHARS = 4096;

/**
 * Appending a text node to one element re-lays out all of its text, so a 1 MB trace cost ~20 ms
 * of layout per frame (30× the cost at 10 KB). Streamed text goes instead into a sequence of
 * small contained blocks and only the last one is laid out and painted again. A new block starts
 * just after a line break, so the split never shows (unless a single line runs past 4 blocks).
 */
function blockAppender(pre: HTMLElement, initial = ''): (text: string) => void {
  let block: HTMLElement = pre;
  let size = initial.length;
  let endsLine = initial.length === 0 || initial.endsWith('\n');
  const add = (text: string) => {
    if (!text) return;
    block.append(document.createTextNode(text));
    size += text.length;
    endsLine = text.endsWith('\n');
  };
  return (text) => {
    if (size >= BLOCK_CHARS) {
      const cut = endsLine ? 0 : text.indexOf('\n') + 1;
      if (endsLine || cut > 0 || size >= 4 * BLOCK_CHARS) {
        add(text.slice(0, cut));
        // A contained block (see panel.css): layout and paint skip the finished ones.
        block = h('div', { class: 'text-block' });
        pre.append(block);
        size = 0;
        text = text.slice(cut);
      }
    }
    add(text);
  };
}

function renderFinding(jobId: string, finding: PanelFinding): HTMLElement {
  const lines = finding.startLine === finding.endLine ? `line ${finding.startLine}` : `lines ${finding.startLine}–${finding.endLine}`;
  const el = h(
    'article',
    {
      class: `finding severity-${finding.severity}${finding.confidence < LOW_CONFIDENCE ? ' low-confidence' : ''}${finding.dismissed ? ' dismissed' : ''}`,
      'aria-label': `${finding.severity} finding: ${finding.title}`,
    },
    h(
      'header',
      {},
      icon(SEVERITY_ICON[finding.severity], finding.severity),
      h('strong', {}, finding.title),
      h('span', { class: 'confidence', title: 'Model confidence' }, `${Math.round(finding.confidence * 100)}%`),
    ),
    h('p', {}, finding.explanation),
  );
  const reveal = button(lines, 'go-to-file', () => vscode.postMessage({ type: 'revealRange', jobId, startLine: finding.startLine, endLine: finding.endLine }));
  const actions = h('div', { class: 'finding-actions' }, reveal);
  if (finding.suggestedFix !== undefined) {
    actions.append(
      button('Preview fix', 'diff', () => vscode.postMessage({ type: 'previewFix', jobId, findingId: finding.id })),
      button('Apply fix', 'check', () => vscode.postMessage({ type: 'applyFix', jobId, findingId: finding.id })),
    );
  }
  actions.append(button('Dismiss', 'close', () => vscode.postMessage({ type: 'dismissFinding', jobId, findingId: finding.id })));
  el.append(actions);
  return el;
}
