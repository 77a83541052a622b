// Multi-line key blocks: PEM private keys (also written on one line with `\n` escapes, as in
// JSON service-account files) and PuTTY key files. A selection may cut a block, so a BEGIN
// without its END runs over the key body lines after it, and an END without its BEGIN takes
// the body lines before it. A marker with no key body (code that checks for the header) is
// not a secret. One pass over the markers in order, each line looked at a bounded number of
// times: linear in the text's size.
import { lineAt, lineStarts, type SecretSpan } from './spans';

const MARKER = /-----(BEGIN|END) ((?:[A-Z0-9]+ )*)PRIVATE KEY( BLOCK)?-----/g;
/** A key body carries a long run of base64. */
const KEY_BODY = /[A-Za-z0-9+/=]{32,}/;
const BODY_LINE = /^[ \t]*["'`]?[A-Za-z0-9+/=]{16,}(?:\\n)?["'`]?[ \t]*[,;+]?[ \t]*\r?$/;
const PUTTY = /PuTTY-User-Key-File-\d+:/g;
const PUTTY_LINES_MAX = 80;

interface Marker {
  begin: boolean;
  start: number;
  end: number;
}

export function privateKeySpans(text: string): SecretSpan[] {
  if (!text.includes('PRIVATE KEY') && !text.includes('PuTTY-User-Key-File-')) return [];
  const starts = lineStarts(text);
  const lineStart = (l: number): number => starts[l] ?? text.length;
  const lineEnd = (l: number): number => (starts[l + 1] ?? text.length + 1) - 1;
  const lineText = (l: number): string => text.slice(lineStart(l), lineEnd(l));
  const isBody = (l: number): boolean => l >= 0 && l < starts.length && BODY_LINE.test(lineText(l));

  const markers: Marker[] = [];
  const re = new RegExp(MARKER.source, 'g');
  for (let m = re.exec(text); m; m = re.exec(text)) markers.push({ begin: m[1] === 'BEGIN', start: m.index, end: m.index + m[0].length });

  const spans: SecretSpan[] = [];
  /** Where the last span ended: nothing before it is looked at again. */
  let floor = 0;
  for (let i = 0; i < markers.length; i++) {
    const marker = markers[i]!;
    if (marker.start < floor) continue;
    const next = markers[i + 1];
    if (marker.begin && next && !next.begin) {
      // A whole block: BEGIN … END.
      if (KEY_BODY.test(text.slice(marker.end, next.start))) {
        spans.push({ start: marker.start, end: next.end, kind: 'private-key' });
        floor = next.end;
      }
      i++;
    } else if (marker.begin) {
      // Cut after BEGIN: the body lines that follow, up to the next marker.
      const limit = next ? next.start : text.length;
      let line = lineAt(starts, marker.start);
      let hasBody = KEY_BODY.test(text.slice(marker.end, Math.min(lineEnd(line), limit)));
      for (; isBody(line + 1) && lineEnd(line + 1) <= limit; line++) hasBody = true;
      if (!hasBody) continue;
      const end = Math.min(lineEnd(line), limit);
      spans.push({ start: marker.start, end, kind: 'private-key' });
      floor = end;
    } else {
      // Cut before END: the body lines before it, down to the last span.
      const endLine = lineAt(starts, marker.start);
      const bodyBefore = KEY_BODY.test(text.slice(Math.max(lineStart(endLine), floor), marker.start));
      let line = endLine;
      for (; isBody(line - 1) && lineStart(line - 1) >= floor; line--);
      if (line === endLine && !bodyBefore) continue;
      const start = line === endLine ? Math.max(floor, lineStart(endLine) + (/^\s*/.exec(lineText(endLine))?.[0].length ?? 0)) : lineStart(line);
      spans.push({ start, end: marker.end, kind: 'private-key' });
      floor = marker.end;
    }
  }

  // PuTTY: from the header to the Private-MAC line (or the end of the key lines).
  const putty = new RegExp(PUTTY.source, 'g');
  for (let m = putty.exec(text); m; m = putty.exec(text)) {
    const first = lineAt(starts, m.index);
    let last = first;
    for (let l = first + 1; l < starts.length && l - first < PUTTY_LINES_MAX; l++) {
      const t = lineText(l);
      if (/^[ \t]*(?:[A-Za-z-]+:.*|[A-Za-z0-9+/=]+[ \t]*)\r?$/.test(t)) last = l;
      else break;
      if (/^[ \t]*Private-MAC:/.test(t)) break;
    }
    if (last === first) continue;
    spans.push({ start: m.index, end: lineEnd(last), kind: 'private-key' });
    putty.lastIndex = lineEnd(last);
  }
  return spans;
}
