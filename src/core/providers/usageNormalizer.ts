// Provider token counts, normalized to Usage: input includes cached input, output includes
// thinking. Where the provider gave no count (Ollama has no thinking count; a cut stream never
// gets its final usage) a local estimate stands in and the usage is marked estimated.
import type { Usage } from '../modelClient';
import { estimateTokens } from '../routing/tokens';
import type { ReportedUsage } from './providerAdapter';

/**
 * Output tokens with reasoning included. Most APIs count reasoning inside the output count;
 * some (xAI, some OpenAI-compatible servers) count it beside it, which shows in the totals:
 * total = input + output + reasoning, or more reasoning than output. Detected, not assumed.
 */
export function outputWithReasoning(input: number | undefined, output: number | undefined, reasoning: number | undefined, total: number | undefined): number | undefined {
  if (output === undefined || reasoning === undefined || reasoning <= 0) return output;
  const outside = reasoning > output || (input !== undefined && total !== undefined && total !== input + output && total === input + output + reasoning);
  return outside ? output + reasoning : output;
}

export interface UsageSources {
  /** Counts the provider reported while streaming (the last report of each field). */
  reported: ReportedUsage;
  /** The stream reached its end marker: its counts are final. */
  complete: boolean;
  /** System prompt and prompt as sent. */
  promptText: string;
  reasoningText: string;
  /** True when the reasoning came inline as <think> tags: the server then counts none of it. */
  reasoningInline?: boolean;
  answerText: string;
  /** The stream failed or was stopped: a count may be a placeholder (Anthropic's message_start output_tokens: 1). */
  failed?: boolean;
}

export function normalizeUsage(sources: UsageSources): Usage {
  const { reported } = sources;
  let estimated = false;
  const estimate = (text: string): number => {
    estimated = true;
    return estimateTokens(text);
  };

  const inputTokens = reported.inputTokens ?? estimate(sources.promptText);
  const cachedInputTokens = Math.min(inputTokens, reported.cachedInputTokens ?? 0);
  const cacheWriteTokens = Math.min(inputTokens - cachedInputTokens, reported.cacheWriteTokens ?? 0);

  let outputTokens: number;
  if (sources.complete && reported.outputTokens !== undefined) outputTokens = reported.outputTokens;
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

  let reasoningTokens = reported.reasoningTokens;
  // Servers that stream <think> tags report 0 reasoning tokens although reasoning arrived.
  if (sources.reasoningInline && !reasoningTokens && sources.reasoningText.length > 0) reasoningTokens = undefined;
  if (reasoningTokens === undefined) reasoningTokens = sources.reasoningText.length > 0 ? Math.min(outputTokens, estimate(sources.reasoningText)) : 0;

  const usage: Usage = { inputTokens, cachedInputTokens, outputTokens, reasoningTokens, estimated };
  if (cacheWriteTokens > 0) usage.cacheWriteTokens = cacheWriteTokens;
  if (reported.costUsd !== undefined) usage.providerCostUsd = reported.costUsd;
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
  if (a.cacheWriteTokens !== undefined || b.cacheWriteTokens !== undefined) sum.cacheWriteTokens = (a.cacheWriteTokens ?? 0) + (b.cacheWriteTokens ?? 0);
  if (a.providerCostUsd !== undefined || b.providerCostUsd !== undefined) sum.providerCostUsd = (a.providerCostUsd ?? 0) + (b.providerCostUsd ?? 0);
  return sum;
}
