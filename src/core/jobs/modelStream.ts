// One model call streamed into its job: reasoning and answer text appended (bounded), progress
// events for the notification and the panel, usage as reported. Never throws: a failure comes
// back with whatever usage arrived before it, so the spend is still counted.
import { ModelError, isModelError } from '../modelError';
import type { ModelCall, ModelClient, Usage } from '../modelClient';
import { appendBounded } from '../results/resultLimits';
import { estimateTokens } from '../routing/tokens';
import type { JobEvent, JobRecord } from './job';

/** Token counts go to listeners at most this often while text streams. */
const TOKEN_EVENT_INTERVAL_MS = 250;

export interface StreamedCall {
  usage: Usage | undefined;
  /** Which texts reached the job's size bound (the rest was read, not kept). */
  cut: { answer: boolean; reasoning: boolean };
  error?: ModelError;
}

export async function streamModelCall(
  job: JobRecord,
  client: () => ModelClient,
  call: ModelCall,
  emit: (e: JobEvent) => void,
  now: () => number,
): Promise<StreamedCall> {
  const started = now();
  const elapsed = () => now() - started;
  const result: StreamedCall = { usage: undefined, cut: { answer: false, reasoning: false } };
  let phase: 'connecting' | 'thinking' | 'answering' = 'connecting';
  let lastTokensAt = 0;
  emit({ type: 'phase', phase, elapsedMs: 0 });
  const tokens = (force = false) => {
    const t = now();
    if (!force && t - lastTokensAt < TOKEN_EVENT_INTERVAL_MS) return;
    lastTokensAt = t;
    const usage = result.usage;
    const reasoningTokens = usage?.reasoningTokens ?? estimateTokens(job.reasoning);
    const outputTokens = usage?.outputTokens ?? reasoningTokens + estimateTokens(job.answer);
    emit({ type: 'tokens', reasoningTokens, outputTokens, estimated: usage === undefined || usage.estimated, elapsedMs: elapsed() });
  };
  try {
    for await (const event of client().stream(call)) {
      switch (event.type) {
        case 'reasoning-delta': {
          if (phase !== 'thinking' && phase !== 'answering') emit({ type: 'phase', phase: (phase = 'thinking'), elapsedMs: elapsed() });
          const kept = appendBounded(job.reasoning, event.text);
          job.reasoning = kept.text;
          result.cut.reasoning ||= kept.cut;
          if (kept.added) emit({ type: 'reasoning', text: kept.added });
          tokens();
          break;
        }
        case 'answer-delta': {
          if (phase !== 'answering') emit({ type: 'phase', phase: (phase = 'answering'), elapsedMs: elapsed() });
          const kept = appendBounded(job.answer, event.text);
          job.answer = kept.text;
          result.cut.answer ||= kept.cut;
          if (kept.added) emit({ type: 'answer', text: kept.added });
          tokens();
          break;
        }
        case 'usage':
          result.usage = event.usage;
          tokens(true);
          break;
        case 'retry':
          job.retries = event.attempt;
          emit({ type: 'retry', attempt: event.attempt, delayMs: event.delayMs, reason: event.reason });
          break;
        case 'warning':
          job.warnings.push(event.message);
          break;
        case 'finish':
          break;
      }
    }
    // A client that ends its stream quietly on cancel must not make a cut answer a success.
    if (call.signal.aborted) throw new ModelError('cancelled', 'Cancelled.');
  } catch (err) {
    result.error = isModelError(err) ? err : new ModelError('server', err instanceof Error ? err.message : String(err));
  }
  return result;
}
