// What OpenAI reasoning models accept: which ones reason at all, which effort turns reasoning
// (almost) off, and which efforts a model rejects. Model ids follow gpt-<major>[.<minor>][-variant]
// and o<n>[-variant].
import type { ReasoningEffort } from '../requests/request';

interface GptVersion {
  major: number;
  minor: number;
  variant: string;
}

function gptVersion(modelId: string): GptVersion | undefined {
  const m = /^(?:ft:)?gpt-(\d+)(?:\.(\d+))?(?:-(.+))?$/.exec(modelId.toLowerCase());
  if (!m?.[1]) return undefined;
  return { major: Number(m[1]), minor: Number(m[2] ?? '0'), variant: m[3] ?? '' };
}

function isOSeries(modelId: string): boolean {
  return /^(?:ft:)?o\d+(?:-|$)/.test(modelId.toLowerCase());
}

/** Models that take `reasoning.effort`. Unknown ids are assumed to (the spec says they reason). */
export function isOpenAIReasoningModel(modelId: string): boolean {
  if (isOSeries(modelId)) return !/^o1-(mini|preview)/.test(modelId.toLowerCase());
  const v = gptVersion(modelId);
  if (v) return v.major >= 5 && !v.variant.startsWith('chat');
  return !/^(chatgpt-|gpt-3|gpt-4|text-|davinci)/.test(modelId.toLowerCase());
}

/** The effort that turns reasoning off (or nearly), where the model has one. */
export function openAIOffEffort(modelId: string): 'none' | 'minimal' | undefined {
  const v = gptVersion(modelId);
  if (!v || v.variant.includes('pro') || v.variant.includes('codex')) return undefined;
  if (v.major === 5 && v.minor === 0) return 'minimal';
  if (v.major === 5) return 'none';
  return undefined;
}

/** Why a model would reject this effort, or undefined. */
export function openAIEffortProblem(modelId: string, effort: ReasoningEffort): string | undefined {
  const v = gptVersion(modelId);
  if (!v?.variant.startsWith('pro')) return undefined;
  if (v.major === 5 && v.minor === 0 && effort !== 'high') return `${modelId} only accepts high reasoning effort. Set the effort to high.`;
  if (effort === 'low') return `${modelId} does not accept low reasoning effort. Set the effort to medium or high.`;
  return undefined;
}
