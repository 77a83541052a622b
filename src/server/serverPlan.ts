// Plans a member's request on the server exactly as the local engine plans it: secrets
// redacted, complexity, route, prompt, content-addressed cache key, worst-case cost. Nothing is
// sent here; the worker rebuilds the prompt from the stored (redacted) request.
import { worstCaseCost } from '../core/cost/budget';
import { analysisCacheKey } from '../core/cache/cacheKey';
import { assessComplexity } from '../core/routing/complexity';
import { hashText } from '../core/cache/contentHash';
import type { JobRoute } from '../core/jobs/job';
import { PROMPT_VERSION, buildPrompt, promptText } from '../core/prompts/prompts';
import { reviewRequestSchema, type ReviewRequest } from '../core/requests/request';
import { routeRequest } from '../core/routing/router';
import { redactForSending } from '../core/redaction/secretRedaction';
import { WaitEstimator } from '../core/routing/waitEstimate';
import { routingOf, type TeamModelConfig } from './teamConfig';

export interface ServerPlan {
  request: ReviewRequest;
  route: JobRoute;
  cacheKey: string;
  fileHash: string;
  /** null: the model has no known price (allowed, counted as unknown). */
  worstUsd: number | null;
  notices: string[];
}

export async function planOnServer(input: unknown, fileText: string | undefined, config: TeamModelConfig): Promise<ServerPlan> {
  let request = reviewRequestSchema.parse(input);
  // The editor's document URI is local to the member's machine; it never leaves their client.
  request = { ...request, target: { ...request.target, documentUri: undefined } };
  if (config.tier !== 'auto' && !request.options.forcedTier) request = { ...request, options: { ...request.options, forcedTier: config.tier } };
  const notices: string[] = [];
  if (config.redactSecrets) {
    // The whole file is redacted and then sliced, so a selection inside a secret block is covered.
    const redacted = await redactForSending(request, { fileText });
    request = redacted.request;
    if (redacted.notice) notices.push(redacted.notice);
  }
  const complexity = assessComplexity(request);
  const waits = new WaitEstimator();
  const decision = routeRequest(request, complexity, routingOf(config), (spec, tokens) => waits.estimate(spec, tokens));
  const prompt = buildPrompt(request);
  const worst = worstCaseCost(promptText(prompt), decision.model, config.priceOverrides);
  const m = decision.model;
  const route: JobRoute = {
    tier: decision.tier,
    provider: m.provider,
    model: m.model,
    reasoning: m.reasoning,
    effort: m.effort,
    maxThinkingTokens: m.maxThinkingTokens,
    maxAnswerTokens: m.maxAnswerTokens,
    baseUrl: m.baseUrl,
    complexity: { tier: complexity.tier, score: complexity.score },
    reasons: decision.reasons,
    note: decision.note,
    escalationTier: decision.escalation?.tier,
    expectedWait: { lowSeconds: decision.expectedWait.lowSeconds, highSeconds: decision.expectedWait.highSeconds, reason: decision.expectedWait.reason },
  };
  return {
    request,
    route,
    cacheKey: analysisCacheKey(request, m, PROMPT_VERSION),
    fileHash: hashText(fileText ?? [request.target.contextBefore, request.target.code, request.target.contextAfter].join('\n')),
    worstUsd: worst.usd,
    notices,
  };
}
