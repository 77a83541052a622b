// A job answered from a cached analysis: what it records (no tokens spent) and how its route
// shows the tier that answered, which may be higher than the one the request was routed to.
import type { CachedAnalysis } from './analysisCache';
import { tierAbove } from './cacheKey';
import type { JobRoute } from '../jobs/job';
import { PROVIDER_IDS, type ModelSpec } from '../modelClient';

/** The outcome fields of a job answered from a cached analysis: no tokens spent. */
export function cachedOutcome(c: CachedAnalysis) {
  return {
    status: 'succeeded' as const,
    fromCache: true,
    reasoning: c.reasoning,
    answer: c.result.answer,
    result: c.result,
    structured: c.structured,
    usage: c.usage,
    costUsd: 0,
    costSource: 'table' as const,
  };
}

/** The route as shown for a cache hit: the tier that answered, and escalation above that one. */
export function routeAnsweredBy(route: JobRoute, c: CachedAnalysis): JobRoute {
  if (c.tier === route.tier) return route;
  const model = isProviderId(c.provider) ? { provider: c.provider, model: c.model } : {};
  return { ...route, ...model, tier: c.tier, escalationTier: tierAbove(c.tier), note: c.tier === 'reasoning' ? undefined : route.note };
}

function isProviderId(p: string): p is ModelSpec['provider'] {
  return (PROVIDER_IDS as readonly string[]).includes(p);
}
