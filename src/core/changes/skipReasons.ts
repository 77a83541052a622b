// Which changed files are not reviewed, and why. Each reason is shown to the user as is.
import type { FileDiff } from './unifiedDiff';

export interface ChangeFileLimits {
  /** Files larger than this (bytes) are skipped: too large for one careful review. */
  maxFileBytes: number;
  /** A target span (first to last changed line) longer than this is skipped. */
  maxTargetLines: number;
  /** Files reviewed in one change set; the rest are listed as skipped. */
  maxFiles: number;
}

export const DEFAULT_CHANGE_FILE_LIMITS: ChangeFileLimits = { maxFileBytes: 256 * 1024, maxTargetLines: 1500, maxFiles: 100 };

/** Why the file is not reviewed before its content is read, or undefined to read it. */
export function skipReasonFromDiff(file: FileDiff): string | undefined {
  if (file.status === 'deleted') return 'deleted';
  if (file.binary) return 'binary';
  if (file.status === 'renamed' || file.status === 'copied') {
    return file.hunks.length === 0 ? `${file.status} from ${file.oldPath ?? '?'} without changes` : `${file.status} from ${file.oldPath ?? '?'}`;
  }
  if (file.hunks.length === 0) return file.status === 'added' ? 'empty file' : 'no changed lines (mode change only)';
  return undefined;
}

/** Why the file is not reviewed once its content is known, or undefined to review it. */
export function skipReasonFromContent(text: string, byteLength: number, targetLines: number, limits: ChangeFileLimits): string | undefined {
  if (byteLength > limits.maxFileBytes) return `too large (${Math.ceil(byteLength / 1024)} KB, limit ${Math.floor(limits.maxFileBytes / 1024)} KB)`;
  // NUL bytes mean binary content git did not flag (no attributes, text conversion).
  if (text.slice(0, 8000).includes('\u0000')) return 'binary';
  if (targetLines > limits.maxTargetLines) return `too large a change (${targetLines} lines from the first to the last change, limit ${limits.maxTargetLines})`;
  return undefined;
}
