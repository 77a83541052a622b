// The expected wait in words, for the progress notification and the CLI: one wording, so the
// two never disagree, and never a range that reads "0–0 s" or a reason the stream contradicts.
import type { JobRoute } from '../jobs/job';
import { formatWaitRange, type WaitEstimate } from './waitEstimate';

type Wait = JobRoute['expectedWait'];

/** The stored wait carries low and high only; its centre follows from how ranges are built. */
function asEstimate(w: Wait): WaitEstimate {
  const low = Math.max(0, w.lowSeconds);
  const high = Math.max(low, w.highSeconds);
  // withRange: low = e·exp(-s), high = e·exp(1.5·s)  →  e = (low^1.5 · high)^(1/2.5)
  const expectedSeconds = low > 0 ? Math.pow(Math.pow(low, 1.5) * high, 1 / 2.5) : high;
  return { lowSeconds: low, highSeconds: high, expectedSeconds, basis: 'default', samples: 0, reason: w.reason };
}

/**
 * "expect 20–45 s (reasoning models think before answering …)". `thinkingTokens` is what the
 * stream has shown so far: a model that was not asked to think but does (local models often
 * do) makes a reason saying it answers without thinking false, so that reason is dropped.
 */
export function waitLine(route: Pick<JobRoute, 'expectedWait' | 'reasoning'>, thinkingTokens = 0): string {
  const range = formatWaitRange(asEstimate(route.expectedWait));
  const contradicted = !route.reasoning && thinkingTokens > 0 && /without thinking/.test(route.expectedWait.reason);
  if (contradicted) return `expect ${range}, longer as this model thinks on its own`;
  return `expect ${range} (${route.expectedWait.reason})`;
}
