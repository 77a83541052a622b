// "Context sent": every piece of repository context a request carried (guidelines, definitions),
// each labelled path:lines with its token count, so the user sees exactly what left the machine.
import type { PanelContextPiece } from '../src/protocol/panelMessages';
import { h, icon } from './dom';

export function renderContextSent(pieces: readonly PanelContextPiece[], open = false): HTMLElement {
  const total = pieces.reduce((n, p) => n + p.tokens, 0);
  const list = h('ul', { class: 'context-pieces' });
  for (const p of pieces) {
    const what = p.kind === 'guidelines' ? 'guidelines' : `definition of ${p.symbol ?? 'a symbol'}`;
    list.append(
      h(
        'li',
        { 'data-kind': p.kind },
        icon(p.kind === 'guidelines' ? 'book' : 'symbol-method'),
        h('code', { class: 'context-label' }, p.label),
        h('span', { class: 'muted' }, ` ${what}`),
        h('span', { class: 'context-tokens' }, `${p.tokens.toLocaleString()} tokens`),
      ),
    );
  }
  return h(
    'details',
    { class: 'context-sent', open: open || undefined },
    h('summary', {}, icon('references'), h('span', {}, 'Context sent'), h('span', { class: 'muted' }, ` — ${pieces.length} piece${pieces.length === 1 ? '' : 's'}, ${total.toLocaleString()} tokens`)),
    pieces.length ? list : h('p', { class: 'muted' }, 'No repository context was sent.'),
  );
}
