// The one ModelClient behind every HTTP provider: fetch, eventsource-parser's callback API (or
// NDJSON lines), JSON.parse and a thin reader per wire format, no Web Streams hops beyond the
// body's own reader. Around each attempt it keeps an idle watchdog (keep-alives do not count),
// a cap on the response size and on thinking; around the call a total deadline and the caller's
// AbortSignal; between attempts it retries what is worth retrying, but only while nothing has
// been streamed to the caller, so no text is ever shown twice.
import type { FinishReason, ModelCall, ModelClient, ModelEvent, Usage } from '../modelClient';
import { ModelError } from '../modelError';
import { estimateTokens } from '../routing/tokens';
import { anthropicReader } from './anthropicStream';
import { resolveBaseUrl } from './baseUrl';
import { chatReader } from './chatStream';
import { buildModelError, cancelledError, classifyProviderError, StreamEventError, truncatedStreamError } from './errorClassifier';
import { providerName, type ErrorContext } from './errorContext';
import { deadlineMessage, idleTimeoutMessage, missingKeyMessage, notAnApiStreamMessage, thinkingOverrunWarning, tooLargeMessage, urlCredentialsConflictMessage } from './errorMessages';
import { readRest, send } from './httpTransport';
import { IdleWatchdog } from './idleWatchdog';
import { InlineReasoningSplitter } from './inlineReasoning';
import { ollamaReader } from './ollamaStream';
import { ndjsonSplitter, sseSplitter, type PayloadSplitter } from './payloadSplitter';
import type { ProviderAdapter, ReportedUsage } from './providerAdapter';
import { responsesReader } from './responsesStream';
import { retryDelayMs, type RetryPolicy } from './retryPolicy';
import type { PayloadReader, StreamSink } from './streamSink';
import { thinkingStopTokens } from './thinkingBudget';
import { validateThinkingSettings } from './thinkingSettings';
import { splitUrlCredentials } from './urlCredentials';
import { addUsage, normalizeUsage } from './usageNormalizer';

export interface StreamingClientOptions {
  adapter: ProviderAdapter;
  apiKey?: string;
  baseUrl?: string;
  fetch: typeof fetch;
  retry: RetryPolicy;
  idleTimeoutMs: number;
  /** The whole call, retries included, must finish within this. */
  requestTimeoutMs: number;
  /** Decompressed bytes one response may have. */
  maxResponseBytes: number;
}

/** An unfinished SSE event or NDJSON line may hold at most this many characters. */
const MAX_LINE_CHARS = 8 * 1024 * 1024;

/** What one attempt left behind, success or not. */
interface AttemptState {
  /** Reasoning or answer text reached the caller: from now on a retry would repeat it. */
  emittedContent: boolean;
  /** Usage of a finished attempt, or what a failed one was billed (undefined: nothing). */
  usage: Usage | undefined;
  finishReason: FinishReason;
}

/** Why a call stopped from outside an attempt. */
interface CallStop {
  signal: AbortSignal;
  reason(): 'cancelled' | 'deadline' | undefined;
}

function readerFor(adapter: ProviderAdapter, sink: StreamSink): PayloadReader {
  switch (adapter.wire) {
    case 'anthropic-messages':
      return anthropicReader(sink);
    case 'openai-responses':
      return responsesReader(sink);
    case 'chat-completions':
      return chatReader(sink, { reportsCost: adapter.facts.capabilities.reportsCost });
    case 'ollama-native':
      return ollamaReader(sink);
  }
}

/** What the first visible character of a 2xx body says it is, when it is not the stream expected. */
function notAStream(first: string, ndjson: boolean, contentType: string): string | undefined {
  if (/text\/html/i.test(contentType) || first === '<') return 'an HTML page';
  if (ndjson) return first === '{' ? undefined : 'text that is not JSON lines';
  if ('de:ir'.includes(first)) return undefined;
  return first === '{' || first === '[' ? 'plain JSON' : 'text that is not an event stream';
}

export class StreamingModelClient implements ModelClient {
  constructor(private readonly options: StreamingClientOptions) {}

  async *stream(call: ModelCall): AsyncGenerator<ModelEvent, void, undefined> {
    const { adapter, retry } = this.options;
    const { spec } = call;
    const label = providerName({ adapter });
    if (spec.provider !== adapter.id) {
      throw new ModelError('config', `This ${label} client was given a ${spec.provider} model (${spec.model}).`, { provider: adapter.id, retryable: false });
    }
    const invalid = validateThinkingSettings(spec);
    if (invalid !== undefined) throw new ModelError('config', invalid, { provider: adapter.id, retryable: false });
    const baseUrl = resolveBaseUrl(adapter, spec.baseUrl, this.options.baseUrl);
    const envVar = adapter.facts.keyEnvVar;
    const apiKey = this.options.apiKey ?? ((envVar ? process.env[envVar]?.trim() : undefined) || undefined);
    const context = (attempts: number, midStream: boolean): ErrorContext => ({ adapter, model: spec.model, baseUrl, apiKey, midStream, attempts, now: retry.now });
    if (adapter.facts.needsKey && !apiKey) throw new ModelError('auth', missingKeyMessage(context(0, false)), { provider: adapter.id, attempts: 0, retryable: false });
    if (call.signal.aborted) throw cancelledError(context(0, false));

    // The caller's cancel and the total deadline stop the call, whichever comes first.
    const controller = new AbortController();
    let why: 'cancelled' | 'deadline' | undefined;
    const halt = (reason: 'cancelled' | 'deadline'): void => {
      why ??= reason;
      controller.abort(new Error(reason));
    };
    const onCallerAbort = (): void => halt('cancelled');
    call.signal.addEventListener('abort', onCallerAbort, { once: true });
    const deadline = setTimeout(() => halt('deadline'), this.options.requestTimeoutMs);
    const stop: CallStop = { signal: controller.signal, reason: () => why };
    const stoppedError = (attempts: number, midStream: boolean): ModelError =>
      why === 'deadline' ? buildModelError('timeout', context(attempts, midStream), { message: deadlineMessage(context(attempts, midStream), this.options.requestTimeoutMs), retryable: false }) : cancelledError(context(attempts, midStream));

    let billed: Usage | undefined;
    try {
      for (let attempt = 1; ; attempt++) {
        if (controller.signal.aborted) throw stoppedError(attempt - 1, false);
        const state: AttemptState = { emittedContent: false, usage: undefined, finishReason: 'other' };
        try {
          yield* this.attempt(call, { baseUrl, apiKey }, state, (midStream) => context(attempt, midStream), stop, stoppedError);
        } catch (err) {
          const error = err instanceof ModelError ? err : classifyProviderError(err, context(attempt, false));
          if (state.usage) billed = addUsage(billed, state.usage);
          const askedWait = error.details.retryAfterMs;
          const canRetry = error.details.retryable === true && !state.emittedContent && attempt <= retry.maxRetries && !controller.signal.aborted && (askedWait === undefined || askedWait <= retry.maxRetryAfterMs);
          if (!canRetry) {
            if (billed) yield { type: 'usage', usage: billed };
            throw error;
          }
          const delayMs = retryDelayMs(attempt, retry, askedWait);
          yield { type: 'retry', attempt, delayMs, reason: error.message };
          try {
            await retry.sleep(delayMs, controller.signal);
          } catch {
            if (billed) yield { type: 'usage', usage: billed };
            throw stoppedError(attempt, false);
          }
          continue;
        }
        if (state.usage) billed = addUsage(billed, state.usage);
        if (billed) yield { type: 'usage', usage: billed };
        yield { type: 'finish', reason: state.finishReason };
        return;
      }
    } finally {
      clearTimeout(deadline);
      call.signal.removeEventListener('abort', onCallerAbort);
    }
  }

  /** One request. Yields deltas; fills `state`; throws on failure. */
  private async *attempt(
    call: ModelCall,
    target: { baseUrl: string | undefined; apiKey: string | undefined },
    state: AttemptState,
    context: (midStream: boolean) => ErrorContext,
    callStop: CallStop,
    stoppedError: (attempts: number, midStream: boolean) => ModelError,
  ): AsyncGenerator<ModelEvent, void, undefined> {
    const { adapter, idleTimeoutMs, maxResponseBytes } = this.options;
    const { spec } = call;
    const controller = new AbortController();
    let stopReason: 'call' | 'idle' | 'overrun' | undefined;
    const stop = (reason: 'call' | 'idle' | 'overrun'): void => {
      stopReason ??= reason;
      controller.abort(new Error(reason));
    };
    const onCallStop = (): void => stop('call');
    if (callStop.signal.aborted) stop('call');
    callStop.signal.addEventListener('abort', onCallStop, { once: true });
    // Aborting must end the wait for the response and for the next chunk at once, whatever the
    // fetch implementation does: the wait for headers races this; a pending read is cancelled.
    let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
    const stopped = new Promise<'stopped'>((resolve) =>
      controller.signal.addEventListener(
        'abort',
        () => {
          resolve('stopped');
          void reader?.cancel().catch(() => undefined);
        },
        { once: true },
      ),
    );
    const watchdog = new IdleWatchdog(idleTimeoutMs, () => stop('idle'));

    const reported: ReportedUsage = {};
    const text = { reasoning: '', answer: '' };
    const events: Extract<ModelEvent, { text: string }>[] = [];
    const inline = adapter.facts.capabilities.inlineThinkTags && spec.reasoning ? new InlineReasoningSplitter() : undefined;
    const thinkingStop = thinkingStopTokens(spec);
    let separateReasoning = false;
    let complete = false;
    let responseStarted = false;
    let streamFault: unknown;
    let malformed: string | undefined;
    let tooLarge = false;
    let notApi: string | undefined;
    let thrown: unknown;

    const push = (kind: 'reasoning-delta' | 'answer-delta', delta: string): void => {
      if (delta.length === 0 || stopReason !== undefined) return;
      if (kind === 'reasoning-delta') {
        text.reasoning += delta;
        if (estimateTokens(text.reasoning) > thinkingStop) stop('overrun');
      } else text.answer += delta;
      // Deltas that arrived in the same network read go out as one event: the text is the same,
      // and a fast stream costs one hand-off per read instead of one per provider event.
      const last = events[events.length - 1];
      if (last !== undefined && last.type === kind) last.text += delta;
      else events.push({ type: kind, text: delta });
    };
    const sink: StreamSink = {
      reasoning(delta) {
        separateReasoning = true;
        push('reasoning-delta', delta);
      },
      answer(delta) {
        if (inline && !separateReasoning) {
          const split = inline.push(delta);
          push('reasoning-delta', split.reasoning);
          push('answer-delta', split.answer);
        } else push('answer-delta', delta);
      },
      usage(u) {
        for (const [key, value] of Object.entries(u) as [keyof ReportedUsage, number | undefined][]) if (value !== undefined) reported[key] = value;
      },
      finish(reason) {
        complete = true;
        state.finishReason = reason;
      },
      providerError(error) {
        streamFault ??= new StreamEventError(error);
      },
      malformed(detail) {
        malformed ??= detail;
      },
    };
    const read = readerFor(adapter, sink);
    let alive = false;
    const onPayload = (data: string): void => {
      if (read(data)) alive = true;
    };
    const onOverflow = (): void => {
      malformed ??= `a line longer than ${MAX_LINE_CHARS / (1024 * 1024)} MB`;
    };
    const ndjson = adapter.wire === 'ollama-native';
    const splitter: PayloadSplitter = ndjson ? ndjsonSplitter(onPayload, onOverflow, MAX_LINE_CHARS) : sseSplitter(onPayload, onOverflow, MAX_LINE_CHARS);

    try {
      const request = adapter.buildRequest(spec, call);
      const base = target.baseUrl ?? '';
      const { url, basicAuth } = splitUrlCredentials(adapter.apiBase ? adapter.apiBase(base) : base);
      const headers: Record<string, string> = { 'content-type': 'application/json', accept: ndjson ? 'application/x-ndjson' : 'text/event-stream', ...request.headers };
      if (basicAuth !== undefined) {
        if (adapter.keyHeader === 'authorization' && target.apiKey) throw buildModelError('config', context(false), { message: urlCredentialsConflictMessage(context(false)), retryable: false });
        headers.authorization = basicAuth;
      }
      if (target.apiKey) headers[adapter.keyHeader] = adapter.keyHeader === 'authorization' ? `Bearer ${target.apiKey}` : target.apiKey;
      const response = await Promise.race([send(this.options.fetch, `${url}${request.path}`, { method: 'POST', headers, body: JSON.stringify(request.body), signal: controller.signal }, context(false)), stopped]);
      if (response !== 'stopped') {
        responseStarted = true;
        watchdog.touch();
        const contentType = response.headers.get('content-type') ?? '';
        reader = response.body?.getReader();
        const decoder = new TextDecoder();
        let bytes = 0;
        let sniffed = false;
        while (reader) {
          if (controller.signal.aborted) break;
          const next = await reader.read();
          if (controller.signal.aborted) break;
          if (next.done) {
            splitter.feed(decoder.decode());
            splitter.end();
          } else {
            bytes += next.value.byteLength;
            if (bytes > maxResponseBytes) {
              tooLarge = true;
              break;
            }
            const chunk = decoder.decode(next.value, { stream: true });
            if (!sniffed) {
              const first = chunk.replace(/^[\s\uFEFF]+/, '').charAt(0);
              if (first !== '') {
                sniffed = true;
                notApi = notAStream(first, ndjson, contentType);
                if (notApi !== undefined) {
                  // Plain JSON may be a provider error sent with status 200.
                  if (notApi === 'plain JSON') streamFault = errorInJson(chunk + (await readRest(reader, decoder, 64 * 1024)));
                  break;
                }
              }
            }
            splitter.feed(chunk);
          }
          if (alive) watchdog.touch();
          alive = false;
          if (events.length > 0) {
            state.emittedContent = true;
            // The caller's own pace is not the provider's silence.
            watchdog.pause();
            for (const event of events.splice(0)) yield event;
            watchdog.touch();
          }
          if (next.done || streamFault !== undefined || stopReason !== undefined) break;
        }
        if (inline && stopReason === undefined && streamFault === undefined) {
          const rest = inline.flush();
          push('reasoning-delta', rest.reasoning);
          push('answer-delta', rest.answer);
          if (events.length > 0) state.emittedContent = true;
          for (const event of events.splice(0)) yield event;
        }
      }
    } catch (err) {
      thrown = err;
    } finally {
      watchdog.stop();
      callStop.signal.removeEventListener('abort', onCallStop);
      // Closes the HTTP request when we stopped early (error, timeout, overrun, consumer gone).
      if (!complete || stopReason !== undefined) controller.abort(new Error('stream closed'));
      void reader?.cancel().catch(() => undefined);
    }

    const midStream = responseStarted || state.emittedContent;
    const ctx = context(midStream);
    const failure = ((): ModelError | undefined => {
      if (stopReason === 'call' || callStop.signal.aborted) return stoppedError(ctx.attempts, midStream);
      if (stopReason === 'idle') return buildModelError('timeout', ctx, { message: idleTimeoutMessage(ctx, idleTimeoutMs), retryable: false });
      if (stopReason === 'overrun') return undefined;
      if (tooLarge) return buildModelError('malformed-stream', ctx, { message: tooLargeMessage(ctx, maxResponseBytes), retryable: false });
      if (notApi !== undefined && streamFault === undefined) return buildModelError('malformed-stream', ctx, { message: notAnApiStreamMessage(ctx, notApi), retryable: false });
      const error = thrown ?? streamFault;
      if (error !== undefined) return classifyProviderError(error, ctx);
      if (malformed !== undefined) return buildModelError('malformed-stream', ctx, { detail: malformed, retryable: false });
      if (!complete) return truncatedStreamError(ctx);
      return undefined;
    })();
    const usage = (): Usage =>
      normalizeUsage({ reported, complete, promptText: [call.system, ...(call.prefix ?? []), call.prompt].join('\n\n'), reasoningText: text.reasoning, reasoningInline: inline !== undefined, answerText: text.answer, failed: failure !== undefined || stopReason === 'overrun' });
    if (failure) {
      // Bill a failed attempt only for what the provider reported or visibly produced.
      const reportedAnything = Object.values(reported).some((n) => n !== undefined);
      if (midStream && (reportedAnything || state.emittedContent)) state.usage = usage();
      throw failure;
    }
    if (stopReason === 'overrun') {
      state.finishReason = 'length';
      yield { type: 'warning', message: thinkingOverrunWarning(providerName({ adapter }), spec.maxThinkingTokens) };
    }
    state.usage = usage();
  }
}

/** The provider's error in a JSON body sent with status 200, if it is one. */
function errorInJson(text: string): StreamEventError | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && 'error' in value ? new StreamEventError((value as { error: unknown }).error) : undefined;
  } catch {
    return undefined;
  }
}

