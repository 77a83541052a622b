// Complete records for unit tests: a ledger line and a job record with plain defaults, so a test
// states only the fields it is about.
import type { LedgerRecord } from '../../src/core/cost/ledgerLines';
import type { JobRecord } from '../../src/core/jobs/job';

export function ledgerRecord(partial: Partial<LedgerRecord> & { jobId: string }, at = Date.now()): LedgerRecord {
  return {
    at,
    provider: 'anthropic',
    model: 'claude-sonnet-4-5',
    tier: 'reasoning',
    kind: 'review',
    inputTokens: 1_000,
    cachedInputTokens: 0,
    outputTokens: 0,
    reasoningTokens: 0,
    answerTokens: 0,
    estimated: false,
    costUsd: 0,
    costSource: 'table',
    outcome: 'succeeded',
    cached: false,
    ...partial,
  };
}

/** A finished reasoning-tier review of one line of a.ts. */
export function jobRecord(overrides: Partial<JobRecord> = {}): JobRecord {
  return {
    id: 'job-1',
    request: { kind: 'review', target: { type: 'selection', filePath: 'a.ts', languageId: 'typescript', startLine: 1, endLine: 1, code: 'x', contextBefore: '', contextAfter: '' }, options: {} },
    route: {
      tier: 'reasoning',
      provider: 'anthropic',
      model: 'claude-sonnet-4-5',
      reasoning: true,
      effort: 'medium',
      maxThinkingTokens: 4096,
      maxAnswerTokens: 4000,
      complexity: { tier: 'complex', score: 9 },
      reasons: ['r'],
      expectedWait: { lowSeconds: 1, highSeconds: 3, reason: 'r' },
    },
    cacheKey: 'k',
    fileHash: 'h',
    status: 'succeeded',
    createdAt: 1,
    fromCache: false,
    reasoning: '',
    answer: '',
    warnings: [],
    retries: 0,
    dismissedFindings: [],
    ...overrides,
  };
}
