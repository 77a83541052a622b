// Review Changes in the panel: the change set's results grouped by file, each with its findings
// (click to reveal the lines, open the file's job for fixes), what was dropped or skipped, and
// the context sent with it.
import type { PanelChangeSet } from '../src/protocol/panelMessages';
import { renderContextSent } from './contextSentView';
import { h, icon } from './dom';
import { vscode } from './vscodeApi';
import { request } from './requests';

const SEVERITY_ICON = { critical: 'error', high: 'error', medium: 'warning', low: 'info', info: 'lightbulb' } as const;

function link(text: string, onClick: () => void, cls = ''): HTMLAnchorElement {
  const a = h('a', { href: '#', class: cls }, text);
  a.addEventListener('click', (e) => {
    e.preventDefault();
    onClick();
  });
  return a;
}

export function renderChangeSet(set: PanelChangeSet): HTMLElement {
  const reviewed = set.files.filter((f) => !f.skipped);
  const findings = reviewed.reduce((n, f) => n + f.findings.length, 0);
  const header = h(
    'header',
    {},
    h('h2', {}, `Review Changes — ${set.description}`),
    h('p', { class: 'meta' }, `${set.done} of ${set.total} file${set.total === 1 ? '' : 's'} reviewed · ${findings} finding${findings === 1 ? '' : 's'} on changed lines`),
  );
  const sections = set.files.map((f) => {
    const section = h('section', { class: 'change-file', 'data-file': f.filePath, 'aria-label': f.filePath });
    if (f.skipped) {
      section.append(h('h3', {}, icon('circle-slash'), h('span', {}, f.filePath)), h('p', { class: 'muted skipped' }, `Skipped: ${f.skipped}`));
      return section;
    }
    const jobId = f.jobId;
    const title = jobId ? link(f.filePath, () => vscode.postMessage({ type: 'selectJob', jobId }), 'change-file-link') : h('span', {}, f.filePath);
    const state = f.status === 'succeeded' ? `${f.findings.length} finding${f.findings.length === 1 ? '' : 's'}` : (f.status ?? 'queued');
    section.append(h('h3', {}, icon(f.status === 'succeeded' ? 'pass' : f.status === 'failed' ? 'error' : 'loading codicon-modifier-spin'), title, h('span', { class: 'muted' }, ` — ${state}`)));
    const list = h('ul', { class: 'change-findings' });
    for (const finding of f.findings) {
      const lines = finding.startLine === finding.endLine ? `line ${finding.startLine}` : `lines ${finding.startLine}–${finding.endLine}`;
      const item = h('li', { class: `severity-${finding.severity}` }, icon(SEVERITY_ICON[finding.severity], finding.severity), h('strong', {}, finding.title), ' ');
      if (jobId) item.append(link(lines, () => void request({ type: 'revealRange', jobId, startLine: finding.startLine, endLine: finding.endLine })));
      if (finding.hasFix && jobId) item.append(' ', link('fix…', () => void request({ type: 'previewFix', jobId, findingId: finding.id })));
      list.append(item);
    }
    if (f.findings.length) section.append(list);
    if (f.droppedOutsideChange) section.append(h('p', { class: 'muted' }, `${f.droppedOutsideChange} finding${f.droppedOutsideChange === 1 ? '' : 's'} on unchanged lines dropped.`));
    section.append(renderContextSent(f.context, true));
    return section;
  });
  return h('div', { class: 'change-set' }, header, ...sections);
}
