// The one ModelClient behind every HTTP provider: runs streamText with the adapter's model and
// settings and turns its parts into ModelEvents. Around each attempt it keeps an idle watchdog
// and the caller's AbortSignal; around attempts it retries what is worth retrying, but only
// while nothing has been streamed to the caller, so no text is ever shown twice.
import { streamText, type FinishReason as SdkFinishReason, type LanguageModelUsage, type ProviderMetadata, type TextStreamPart, type ToolSet } from 'ai';
import type { FinishReason, ModelCall, ModelClient, ModelEvent, Usage } from '../modelClient';
import { ModelError } from '../modelError';
import { resolveBaseUrl } from './baseUrl';
import { cancelledError, classifyProviderError, idleTimeoutError, truncatedStreamError } from './errorClassifier';
import type { ErrorContext } from './errorContext';
import { IdleWatchdog } from './idleWatchdog';
import { InlineReasoningSplitter } from './inlineReasoning';
import type { ProviderAdapter, ReportedUsage } from './providerAdapter';
import { retryDelayMs, type RetryPolicy } from './retryPolicy';
import { validateThinkingSettings } from './thinkingSettings';
import { addUsage, normalizeUsage } from './usageNormalizer';

export interface StreamingClientOptions {
  adapter: ProviderAdapter;
  apiKey?: string;
  baseUrl?: string;
  fetch: typeof fetch;
  retry: RetryPolicy;
  idleTimeoutMs: number;
}

/** What one attempt left behind, success or not. */
interface AttemptState {
  /** Reasoning or answer text reached the caller: from now on a retry would repeat it. */
  emittedContent: boolean;
  /** Usage of a finished attempt, or what a failed one was billed (undefined: nothing). */
  usage: Usage | undefined;
  finishReason: FinishReason;
}

function toFinishReason(reason: SdkFinishReason | undefined): FinishReason {
  switch (reason) {
    case 'stop':
    case 'length':
    case 'content-filter':
    case 'error':
      return reason;
    default:
      return 'other';
  }
}

export class StreamingModelClient implements ModelClient {
  constructor(private readonly options: StreamingClientOptions) {}

  async *stream(call: ModelCall): AsyncGenerator<ModelEvent, void, undefined> {
    const { adapter, retry } = this.options;
    const { spec } = call;
    if (spec.provider !== adapter.id) {
      throw new ModelError('config', `This ${adapter.label} client was given a ${spec.provider} model (${spec.model}).`, { provider: adapter.id, retryable: false });
    }
    const invalid = validateThinkingSettings(spec);
    if (invalid !== undefined) throw new ModelError('config', invalid, { provider: adapter.id, retryable: false });
    const baseUrl = resolveBaseUrl(adapter, spec.baseUrl, this.options.baseUrl);
    const context = (attempts: number, midStream: boolean): ErrorContext => ({
      adapter,
      model: spec.model,
      baseUrl,
      apiKey: this.options.apiKey,
      midStream,
      attempts,
      now: retry.now,
    });

    let billed: Usage | undefined;
    for (let attempt = 1; ; attempt++) {
      if (call.signal.aborted) throw cancelledError(context(attempt - 1, false));
      const state: AttemptState = { emittedContent: false, usage: undefined, finishReason: 'other' };
      try {
        yield* this.attempt(call, baseUrl, state, (midStream) => context(attempt, midStream));
      } catch (err) {
        const error = err instanceof ModelError ? err : classifyProviderError(err, context(attempt, false));
        if (state.usage) billed = addUsage(billed, state.usage);
        const askedWait = error.details.retryAfterMs;
        const canRetry =
          error.details.retryable === true &&
          !state.emittedContent &&
          attempt <= retry.maxRetries &&
          !call.signal.aborted &&
          (askedWait === undefined || askedWait <= retry.maxRetryAfterMs);
        if (!canRetry) {
          if (billed) yield { type: 'usage', usage: billed };
          throw error;
        }
        const delayMs = retryDelayMs(attempt, retry, askedWait);
        yield { type: 'retry', attempt, delayMs, reason: error.message };
        try {
          await retry.sleep(delayMs, call.signal);
        } catch {
          if (billed) yield { type: 'usage', usage: billed };
          throw cancelledError(context(attempt, false));
        }
        continue;
      }
      if (state.usage) billed = addUsage(billed, state.usage);
      if (billed) yield { type: 'usage', usage: billed };
      yield { type: 'finish', reason: state.finishReason };
      return;
    }
  }

  /** One request. Yields deltas; fills `state`; throws a ModelError on failure. */
  private async *attempt(call: ModelCall, baseUrl: string | undefined, state: AttemptState, context: (midStream: boolean) => ErrorContext): AsyncGenerator<ModelEvent, void, undefined> {
    const { adapter, idleTimeoutMs } = this.options;
    const { spec } = call;
    const controller = new AbortController();
    let stopReason: 'cancelled' | 'idle' | undefined;
    const stop = (reason: 'cancelled' | 'idle'): void => {
      stopReason ??= reason;
      controller.abort(new Error(reason === 'idle' ? 'idle timeout' : 'cancelled'));
    };
    const onCallerAbort = (): void => stop('cancelled');
    call.signal.addEventListener('abort', onCallerAbort, { once: true });
    // Aborting must end the wait for the next part at once, even if the SDK is slow to notice.
    const stopped = new Promise<'stopped'>((resolve) => controller.signal.addEventListener('abort', () => resolve('stopped'), { once: true }));
    const watchdog = new IdleWatchdog(idleTimeoutMs, () => stop('idle'));

    const reported: ReportedUsage = {};
    const text = { reasoning: '', answer: '' };
    const inline = adapter.inlineThinkTags && spec.reasoning ? new InlineReasoningSplitter() : undefined;
    let separateReasoning = false;
    let responseStarted = false;
    let streamError: unknown;
    let thrown: unknown;
    let sideFault: Error | undefined;
    let finalUsage: LanguageModelUsage | undefined;
    let sdkFinishReason: SdkFinishReason | undefined;
    let metadata: ProviderMetadata | undefined;
    let finished = false;
    let iterator: AsyncIterator<TextStreamPart<ToolSet>> | undefined;

    const emit = function* (kind: 'reasoning-delta' | 'answer-delta', delta: string): Generator<ModelEvent> {
      if (delta.length === 0) return;
      if (kind === 'reasoning-delta') text.reasoning += delta;
      else text.answer += delta;
      state.emittedContent = true;
      // The caller's own pace is not the provider's silence.
      watchdog.pause();
      yield { type: kind, text: delta };
      watchdog.touch();
    };

    try {
      const model = adapter.languageModel(spec, {
        apiKey: this.options.apiKey,
        baseUrl,
        fetch: this.options.fetch,
        reportStreamFault: (error) => {
          sideFault ??= error;
        },
      });
      const settings = adapter.requestSettings(spec);
      const result = streamText({
        model,
        system: call.system,
        prompt: call.prompt,
        ...settings,
        // Retries are ours (counted once, only before anything streamed).
        maxRetries: 0,
        abortSignal: controller.signal,
        includeRawChunks: adapter.observeRawChunk !== undefined,
        // Errors arrive as 'error' parts and are classified below; nothing to log.
        onError: () => undefined,
      });
      iterator = result.fullStream[Symbol.asyncIterator]();
      for (;;) {
        const next = await Promise.race([iterator.next(), stopped]);
        if (next === 'stopped' || next.done) break;
        watchdog.touch();
        const part = next.value;
        switch (part.type) {
          case 'start-step':
            // Emitted once the provider answered with a streaming 200.
            responseStarted = true;
            break;
          case 'raw':
            responseStarted = true;
            adapter.observeRawChunk?.(part.rawValue, reported);
            break;
          case 'reasoning-delta':
            separateReasoning = true;
            yield* emit('reasoning-delta', part.text);
            break;
          case 'text-delta':
            if (inline && !separateReasoning) {
              const split = inline.push(part.text);
              yield* emit('reasoning-delta', split.reasoning);
              yield* emit('answer-delta', split.answer);
            } else {
              yield* emit('answer-delta', part.text);
            }
            break;
          case 'finish-step':
            metadata = part.providerMetadata;
            finalUsage = part.usage;
            state.finishReason = toFinishReason(part.finishReason);
            break;
          case 'finish':
            finalUsage = part.totalUsage;
            sdkFinishReason = part.finishReason;
            state.finishReason = toFinishReason(part.finishReason);
            finished = true;
            break;
          case 'error':
            streamError ??= part.error;
            break;
          default:
            break;
        }
        if (part.type === 'abort') break;
      }
      if (inline && stopReason === undefined && sideFault === undefined) {
        const rest = inline.flush();
        yield* emit('reasoning-delta', rest.reasoning);
        yield* emit('answer-delta', rest.answer);
      }
    } catch (err) {
      thrown = err;
    } finally {
      watchdog.stop();
      call.signal.removeEventListener('abort', onCallerAbort);
      // Closes the HTTP request when we stopped early (error, timeout, consumer gone).
      if (!finished) controller.abort(new Error('stream closed'));
      void iterator?.return?.().catch(() => undefined);
    }

    const midStream = responseStarted || state.emittedContent;
    const failure = ((): ModelError | undefined => {
      if (stopReason === 'cancelled' || call.signal.aborted) return cancelledError(context(midStream));
      if (stopReason === 'idle') return idleTimeoutError(context(midStream), idleTimeoutMs);
      const error = sideFault ?? thrown ?? streamError;
      if (error !== undefined) return classifyProviderError(error, context(midStream));
      // Packages that do not check for the end marker finish with 'other' and no usage when the
      // body simply stops; a complete response carries its finish reason or its usage.
      if (!finished || (sdkFinishReason === 'other' && finalUsage?.outputTokens === undefined)) return truncatedStreamError(context(true));
      return undefined;
    })();
    const usage = (): Usage =>
      normalizeUsage({
        final: finished ? finalUsage : undefined,
        reported,
        promptText: `${call.system}\n\n${call.prompt}`,
        reasoningText: text.reasoning,
        reasoningInline: inline !== undefined,
        answerText: text.answer,
        providerCostUsd: adapter.providerCostUsd?.(metadata),
        failed: failure !== undefined,
      });
    if (failure) {
      // Bill a failed attempt only for what the provider reported or visibly produced.
      const reportedAnything = Object.values(reported).some((n) => n !== undefined) || (finished && finalUsage?.outputTokens !== undefined);
      if (midStream && (reportedAnything || state.emittedContent)) state.usage = usage();
      throw failure;
    }
    state.usage = usage();
  }
}
