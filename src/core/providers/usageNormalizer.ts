// Provider token counts, normalized to Usage: input includes cached input, output includes
// thinking. Where the provider gave no count (Ollama has no thinking count; a cut stream never
// gets its final usage) a local estimate stands in and the usage is marked estimated.
import type { LanguageModelUsage } from 'ai';
import type { Usage } from '../modelClient';
import { estimateTokens } from '../tokens';
import type { ReportedUsage } from './providerAdapter';

export interface UsageSources {
  /** The AI SDK's usage from the finish part; absent when the stream never finished. */
  final: LanguageModelUsage | undefined;
  /** Counts the provider reported while streaming (see ProviderAdapter.observeRawChunk). */
  reported: ReportedUsage;
  /** System prompt and prompt as sent. */
  promptText: string;
  reasoningText: string;
  /** True when the reasoning came inline as <think> tags: the server then counts none of it. */
  reasoningInline?: boolean;
  answerText: string;
  providerCostUsd?: number;
  /** The stream failed: a final count may be a placeholder (Anthropic's message_start output_tokens: 1). */
  failed?: boolean;
}

export function normalizeUsage(sources: UsageSources): Usage {
  const { final, reported } = sources;
  let estimated = false;
  const estimate = (text: string): number => {
    estimated = true;
    return estimateTokens(text);
  };

  const inputTokens = final?.inputTokens ?? reported.inputTokens ?? estimate(sources.promptText);
  const cachedInputTokens = Math.min(inputTokens, final?.inputTokenDetails.cacheReadTokens ?? reported.cachedInputTokens ?? 0);

  let outputTokens: number;
  if (final?.outputTokens !== undefined) outputTokens = final.outputTokens;
  else if (final !== undefined && reported.outputTokens !== undefined) outputTokens = reported.outputTokens;
  else {
    // A cut stream: what arrived is at least what was generated (and billed).
    outputTokens = Math.max(reported.outputTokens ?? 0, estimate(sources.reasoningText + sources.answerText));
  }

  if (sources.failed) {
    // A failed stream's count may be a placeholder: never bill less than what visibly arrived.
    const seen = estimateTokens(sources.reasoningText + sources.answerText);
    if (seen > outputTokens) {
      outputTokens = seen;
      estimated = true;
    }
  }

  let reasoningTokens = final?.outputTokenDetails.reasoningTokens ?? reported.reasoningTokens;
  // Servers that stream <think> tags report 0 reasoning tokens although reasoning arrived.
  if (sources.reasoningInline && !reasoningTokens && sources.reasoningText.length > 0) reasoningTokens = undefined;
  if (reasoningTokens === undefined) reasoningTokens = sources.reasoningText.length > 0 ? Math.min(outputTokens, estimate(sources.reasoningText)) : 0;

  const usage: Usage = { inputTokens, cachedInputTokens, outputTokens, reasoningTokens, estimated };
  if (sources.providerCostUsd !== undefined) usage.providerCostUsd = sources.providerCostUsd;
  return usage;
}

/** Usage of several attempts of one call, as billed together. */
export function addUsage(a: Usage | undefined, b: Usage): Usage {
  if (!a) return b;
  const sum: Usage = {
    inputTokens: a.inputTokens + b.inputTokens,
    cachedInputTokens: a.cachedInputTokens + b.cachedInputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    reasoningTokens: a.reasoningTokens + b.reasoningTokens,
    estimated: a.estimated || b.estimated,
  };
  if (a.providerCostUsd !== undefined || b.providerCostUsd !== undefined) sum.providerCostUsd = (a.providerCostUsd ?? 0) + (b.providerCostUsd ?? 0);
  return sum;
}
