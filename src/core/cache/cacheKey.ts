// The analysis cache key: everything that can change the answer, nothing that cannot.
import { hashValue } from './contentHash';
import type { ModelSpec } from '../modelClient';
import { contextHash } from '../context/contextPiece';
import type { ModelTier, ReviewRequest } from '../requests/request';

/** `context` is the hash of the context sent with the request (undefined: none, the key is as before). */
export function analysisCacheKey(request: ReviewRequest, spec: ModelSpec, promptVersion: string, context: string | undefined = contextHash(request.context, request.change)): string {
  const t = request.target;
  return hashValue({
    v: 1,
    kind: request.kind,
    instruction: request.instruction?.trim() ?? '',
    target: {
      type: t.type,
      filePath: t.filePath,
      languageId: t.languageId,
      startLine: t.startLine,
      endLine: t.endLine,
      code: t.code,
      contextBefore: t.contextBefore,
      contextAfter: t.contextAfter,
      diagnostics: t.type === 'diagnostics' ? t.diagnostics : [],
    },
    model: { provider: spec.provider, model: spec.model, baseUrl: spec.baseUrl ?? '' },
    reasoning: spec.reasoning ? { effort: spec.effort, maxThinkingTokens: spec.maxThinkingTokens } : null,
    maxAnswerTokens: spec.maxAnswerTokens,
    promptVersion,
    context,
  });
}

const TIER_ORDER: readonly ModelTier[] = ['fast', 'capable', 'reasoning'];

/** The next tier up, or undefined above reasoning. */
export function tierAbove(tier: ModelTier): ModelTier | undefined {
  return TIER_ORDER[TIER_ORDER.indexOf(tier) + 1];
}

export interface CacheCandidate {
  tier: ModelTier;
  key: string;
}

/**
 * The cache keys that may answer a request routed to `routedTier`, best first: the routed tier,
 * then every higher tier (a deeper answer to the same question serves too), then — when the
 * route depended only on the learned wait estimate (reasoning vs. its capable fallback) — the
 * other side of that choice, because a changed estimate does not make a new question.
 * Each tier's key uses that tier's configured model with the request's own overrides.
 */
export function cacheCandidates(
  request: ReviewRequest,
  routedTier: ModelTier,
  routedSpec: ModelSpec,
  tiers: Record<ModelTier, ModelSpec>,
  promptVersion: string,
  waitDependent: boolean,
): CacheCandidate[] {
  const order = TIER_ORDER.slice(TIER_ORDER.indexOf(routedTier));
  if (waitDependent) for (const t of ['reasoning', 'capable'] as const) if (!order.includes(t)) order.push(t);
  const { maxThinkingTokens, effort } = request.options;
  const seen = new Set<string>();
  const out: CacheCandidate[] = [];
  for (const tier of order) {
    const spec = tier === routedTier ? routedSpec : { ...tiers[tier], ...(maxThinkingTokens !== undefined ? { maxThinkingTokens } : {}), ...(effort !== undefined ? { effort } : {}) };
    const key = analysisCacheKey(request, spec, promptVersion);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ tier, key });
  }
  return out;
}
