// Which kind of extended thinking a Claude model takes. Newer models (Opus 4.6 and later,
// the Sonnet 5 and Haiku 5 families, Fable, Mythos) reject or deprecate a fixed
// `budget_tokens` and think adaptively, steered by `output_config.effort`; some of those
// cannot turn thinking off at all. Claude 3.5 and older cannot think.

export type AnthropicThinkingStyle =
  /** `thinking: {type:'enabled', budget_tokens}` (Claude 3.7, 4.0–4.5, Sonnet 4.6). */
  | 'budget'
  /** `thinking: {type:'adaptive'}` + effort; can be disabled. */
  | 'adaptive'
  /** Adaptive and always on: `{type:'disabled'}` is rejected. */
  | 'always-adaptive'
  /** No extended thinking. */
  | 'none';

interface ClaudeVersion {
  family: string;
  major: number;
  minor: number;
}

function parseClaudeModel(modelId: string): ClaudeVersion | undefined {
  const id = modelId.toLowerCase();
  // Current naming: claude-opus-4-5-20251101, claude-sonnet-4-20250514, claude-fable-5-1.
  const modern = /claude-([a-z]+)-(\d+)(?:-(\d{1,2}))?(?=$|[-@:])/.exec(id);
  if (modern?.[1] && modern[2]) {
    return { family: modern[1], major: Number(modern[2]), minor: Number(modern[3] ?? '0') };
  }
  // Older naming: claude-3-7-sonnet-20250219, claude-3-opus-20240229.
  const legacy = /claude-(\d+)(?:-(\d{1,2}))?-([a-z]+)/.exec(id);
  if (legacy?.[1] && legacy[3]) return { family: legacy[3], major: Number(legacy[1]), minor: Number(legacy[2] ?? '0') };
  return undefined;
}

function atLeast(v: ClaudeVersion, major: number, minor: number): boolean {
  return v.major > major || (v.major === major && v.minor >= minor);
}

export function anthropicThinkingStyle(modelId: string): AnthropicThinkingStyle {
  const v = parseClaudeModel(modelId);
  // Unknown ids (proxies, aliases) get the long-standing budget form.
  if (!v) return 'budget';
  if (v.family === 'fable') return 'always-adaptive';
  if (v.family === 'mythos') return 'adaptive';
  if (v.major < 3 || (v.major === 3 && v.minor < 7)) return 'none';
  switch (v.family) {
    case 'opus':
      return atLeast(v, 5, 5) ? 'always-adaptive' : atLeast(v, 4, 6) ? 'adaptive' : 'budget';
    case 'sonnet':
      return atLeast(v, 5, 5) ? 'always-adaptive' : atLeast(v, 5, 0) ? 'adaptive' : 'budget';
    case 'haiku':
      return atLeast(v, 5, 0) ? 'adaptive' : v.major === 3 ? 'none' : 'budget';
    default:
      return 'budget';
  }
}

/** Output limits (max_tokens) of budget-thinking models; a budget must stay below them. */
export function anthropicMaxOutputTokens(modelId: string): number | undefined {
  const v = parseClaudeModel(modelId);
  if (!v) return undefined;
  if (v.family === 'opus' && v.major === 4 && v.minor <= 1) return 32_000;
  if (v.family === 'sonnet' && v.major === 3 && v.minor === 7) return 64_000;
  if (v.major === 4 && v.minor <= 5) return 64_000;
  return undefined;
}
