// Results panel: job list and job detail. Receives validated host messages; streaming deltas are
// appended per animation frame, never re-rendering the job. The detail's sections are rendered
// by detailView.ts; actions that can fail go to the host as requests (requests.ts).
import { batchStatusLine, hostMessageSchema, type HostMessage, type PanelJobDetail, type PanelJobSummary } from '../src/protocol/panelMessages';
import { renderChangeSet } from './changeSetView';
import { renderContextSent } from './contextSentView';
import { renderCostReport } from './costReportView';
import { isRunning, renderActions, renderAnswer, renderFindings, renderHeader, renderNotices, renderReasoning } from './detailView';
import { h, icon } from './dom';
import { startLive, type LiveStream } from './liveText';
import { settle } from './requests';
import { vscode } from './vscodeApi';
import { formatUsd } from '../src/core/cost/money';

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
    case 'response':
      settle(message.requestId, { ok: message.ok, error: message.error });
      break;
    case 'changeSet':
      live = undefined;
      detail.replaceChildren(renderChangeSet(message.set));
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

const STATUS_ICON: Record<PanelJobSummary['status'], string> = {
  queued: 'clock',
  running: 'loading codicon-modifier-spin',
  succeeded: 'pass',
  failed: 'error',
  cancelled: 'circle-slash',
  interrupted: 'debug-disconnect',
};

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
    const item = h(
      'li',
      { role: 'option', tabindex: '0', 'aria-selected': job.id === selectedJobId ? 'true' : 'false', class: `job status-${job.status}${job.batch ? ' batch' : ''}`, 'data-job-id': job.id, title: `job ${job.id}` },
      job.batch ? icon('cloud-upload', 'queued at the provider') : icon(STATUS_ICON[job.status], job.status),
      h('span', { class: 'job-title' }, job.title),
      h('span', { class: 'job-meta' }, job.batch ? batchStatusLine(job.batch) : [job.tier, job.model].filter(Boolean).join(' · ')),
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

function renderEmptyDetail(): void {
  detail.replaceChildren(h('div', { class: 'empty' }, h('h2', {}, 'Deep Review'), h('p', {}, 'Select code and run “Deep Review: Review Selection”, or debug the problems in a file.')));
}

function renderDetail(job: PanelJobDetail): void {
  const running = isRunning(job);
  const reasoning = renderReasoning(job, running || keepReasoningExpanded);
  const answerEl = renderAnswer(job);
  detail.replaceChildren(renderHeader(job), renderActions(job), ...renderNotices(job), renderFindings(job), ...(job.contextSent?.length ? [renderContextSent(job.contextSent)] : []), reasoning.details, answerEl);
  live = running ? startLive(job.id, job.answer, { appendReasoning: reasoning.append, answerEl, details: reasoning.details, keepReasoningExpanded }) : undefined;
}
