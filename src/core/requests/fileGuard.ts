// Files that are never sent: binary files (NUL characters, or bytes that were not valid UTF-8
// and were decoded as U+FFFD) and files over a size limit. Checked before planning, so they are
// neither sent nor paid for, with a message that says why.
import { ModelError } from '../modelError';

/** The default for `deepReview.maxFileBytes` / `--max-file-bytes`. */
export const DEFAULT_MAX_FILE_BYTES = 2 * 1024 * 1024;

export class FileRefusedError extends ModelError {
  constructor(message: string) {
    super('bad-request', message);
  }
}

/** Bytes of `text` in UTF-8, without encoding it. */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${bytes} bytes`;
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/**
 * Why a request must not be sent, or undefined when it may be. `fileText` is checked for
 * binary content (a NUL anywhere makes the file binary); `sentText`, what would be sent, for
 * size, so a selection from a large text file can still be reviewed. `limitHint` names the
 * setting or flag that raises the limit, so each caller's message fits its user.
 */
export function refusalFor(fileText: string, sentText: string, path: string, maxBytes: number, limitHint: string): string | undefined {
  const text = fileText;
  const nul = text.indexOf('\u0000');
  if (nul !== -1) return `${path} looks like a binary file (a NUL character on line ${lineOf(text, nul)}); Deep Review only sends text files, so nothing was sent.`;
  const invalid = text.indexOf('\uFFFD');
  if (invalid !== -1) return `${path} is not valid UTF-8 text (undecodable bytes on line ${lineOf(text, invalid)}); Deep Review only sends UTF-8 text, so nothing was sent. Convert the file to UTF-8 to review it.`;
  const bytes = utf8Length(sentText);
  if (bytes > maxBytes) return `${sentText === fileText ? path : `The code to send from ${path}`} is ${formatBytes(bytes)}, over the ${formatBytes(maxBytes)} limit for one review; nothing was sent. Review a smaller selection, or raise ${limitHint}.`;
  return undefined;
}
