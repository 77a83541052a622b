// Turns the user's few settings (provider, base URL, a model per tier, effort, thinking limit)
// into the three concrete model specs the router chooses from. Shared by the extension and
// the CLI, so both route the same way.
import { PROVIDER_IDS, type ModelSpec, type ProviderId } from '../modelClient';
import { PROVIDER_CATALOG } from '../providers/catalog';
import type { ModelTier, ReasoningEffort } from '../requests/request';

export interface ModelSettings {
  provider: ProviderId;
  baseUrl?: string;
  models: Partial<Record<ModelTier, string>>;
  effort: ReasoningEffort;
  maxThinkingTokens: number;
  maxAnswerTokens?: number;
}

export const DEFAULT_MAX_ANSWER_TOKENS = 8192;

/** Sensible models per provider and tier; `reasoning` says whether that tier thinks. */
export const DEFAULT_MODELS: Readonly<Record<ProviderId, Readonly<Record<ModelTier, string>>>> = Object.fromEntries(
  PROVIDER_IDS.map((p) => [p, PROVIDER_CATALOG[p].defaultModels]),
) as Record<ProviderId, Record<ModelTier, string>>;

/** Splits `anthropic:claude-haiku-4-5` into provider and model; a bare id keeps the default provider. */
export function parseModelRef(ref: string, fallback: ProviderId): { provider: ProviderId; model: string } {
  const m = /^([a-z-]+):(.+)$/.exec(ref.trim());
  if (m && (PROVIDER_IDS as readonly string[]).includes(m[1]!)) return { provider: m[1] as ProviderId, model: m[2]!.trim() };
  return { provider: fallback, model: ref.trim() };
}

export function resolveTierSpecs(s: ModelSettings): Record<ModelTier, ModelSpec> {
  const spec = (tier: ModelTier): ModelSpec => {
    const ref = s.models[tier]?.trim();
    const { provider, model } = ref ? parseModelRef(ref, s.provider) : { provider: s.provider, model: DEFAULT_MODELS[s.provider][tier] };
    const reasoning = tier === 'reasoning' && s.maxThinkingTokens > 0;
    return {
      provider,
      model,
      reasoning,
      effort: tier === 'reasoning' ? s.effort : 'low',
      maxThinkingTokens: reasoning ? s.maxThinkingTokens : 0,
      maxAnswerTokens: s.maxAnswerTokens ?? DEFAULT_MAX_ANSWER_TOKENS,
      // A base URL belongs to the configured provider; a tier on another provider uses its default.
      baseUrl: provider === s.provider && s.baseUrl ? s.baseUrl : undefined,
    };
  };
  return { fast: spec('fast'), capable: spec('capable'), reasoning: spec('reasoning') };
}

/** A clear message when a tier has no model to call (e.g. openai-compatible without models). */
export function missingModelMessage(specs: Record<ModelTier, ModelSpec>): string | undefined {
  const missing = (Object.keys(specs) as ModelTier[]).filter((t) => specs[t].provider !== 'vscode-lm' && !specs[t].model);
  if (missing.length === 0) return undefined;
  return `No model is set for the ${missing.join(', ')} tier${missing.length > 1 ? 's' : ''}. Set deepReview.models.${missing[0]} (or --model) to a model your server serves.`;
}
