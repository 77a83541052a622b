// Anthropic Message Batches: POST /v1/messages/batches {requests:[{custom_id, params}]},
// GET /v1/messages/batches/{id} (processing_status in_progress | canceling | ended),
// results as JSONL (one {custom_id, result:{type: succeeded|errored|canceled|expired}} per line,
// in any order), POST /v1/messages/batches/{id}/cancel. Same headers as Messages.
import * as z from 'zod';
import { ModelError } from '../modelError';
import type { Usage } from '../modelClient';
import { estimateTokens } from '../routing/tokens';
import { BatchHttp } from './batchHttp';
import { parseJsonLines } from './jsonLines';
import type { BatchItemOutcome, BatchProgress, BatchRequestLine, ProviderBatchApi } from './batchTypes';

const ANTHROPIC_VERSION = '2023-06-01';

const batchSchema = z.object({
  id: z.string().min(1),
  processing_status: z.string(),
  request_counts: z.object({ processing: z.number(), succeeded: z.number(), errored: z.number(), canceled: z.number(), expired: z.number() }).partial().optional(),
  results_url: z.string().nullish(),
});

const usageSchema = z.object({
  input_tokens: z.number().nullish(),
  cache_creation_input_tokens: z.number().nullish(),
  cache_read_input_tokens: z.number().nullish(),
  output_tokens: z.number().nullish(),
  output_tokens_details: z.object({ thinking_tokens: z.number().nullish() }).nullish(),
});

const blockSchema = z.object({ type: z.string(), text: z.string().optional(), thinking: z.string().optional() });

const resultLineSchema = z.object({
  custom_id: z.string(),
  result: z.discriminatedUnion('type', [
    z.object({ type: z.literal('succeeded'), message: z.object({ content: z.array(blockSchema), stop_reason: z.string().nullish(), usage: usageSchema }) }),
    z.object({ type: z.literal('errored'), error: z.unknown() }),
    z.object({ type: z.literal('canceled') }),
    z.object({ type: z.literal('expired') }),
  ]),
});

export class AnthropicBatchApi implements ProviderBatchApi {
  readonly provider = 'anthropic' as const;
  private readonly http: BatchHttp;

  constructor(options: { baseUrl: string; apiKey: string; fetch?: typeof fetch }) {
    this.http = new BatchHttp({
      baseUrl: options.baseUrl,
      apiKey: options.apiKey,
      providerLabel: 'Anthropic',
      headers: { 'x-api-key': options.apiKey, 'anthropic-version': ANTHROPIC_VERSION },
      fetch: options.fetch,
    });
  }

  async create(lines: readonly BatchRequestLine[]): Promise<{ batchId: string }> {
    const body = { requests: lines.map((l) => ({ custom_id: l.customId, params: l.body })) };
    const batch = parse(batchSchema, await this.http.json('POST', this.http.url('/messages/batches'), body), 'the new batch');
    return { batchId: batch.id };
  }

  async retrieve(batchId: string): Promise<BatchProgress> {
    const b = parse(batchSchema, await this.http.json('GET', this.http.url(`/messages/batches/${encodeURIComponent(batchId)}`)), `batch ${batchId}`);
    const c = b.request_counts ?? {};
    const failed = (c.errored ?? 0) + (c.canceled ?? 0) + (c.expired ?? 0);
    const done = c.succeeded ?? 0;
    return {
      phase: b.processing_status === 'ended' ? 'ended' : 'pending',
      providerStatus: b.processing_status,
      counts: { done, failed, total: done + failed + (c.processing ?? 0) },
      resultRefs: { resultsUrl: b.results_url ?? undefined },
      expired: (c.expired ?? 0) > 0,
    };
  }

  async results(batchId: string, progress: BatchProgress): Promise<Map<string, BatchItemOutcome>> {
    // results_url is used only on the API's own origin; anywhere else the documented path is.
    const given = progress.resultRefs.resultsUrl;
    const url = given && this.http.sameOrigin(given) ? given : this.http.url(`/messages/batches/${encodeURIComponent(batchId)}/results`);
    const out = new Map<string, BatchItemOutcome>();
    for (const raw of parseJsonLines(await this.http.text(url))) {
      const line = resultLineSchema.safeParse(raw);
      if (!line.success) continue;
      out.set(line.data.custom_id, outcomeOf(line.data.result));
    }
    return out;
  }

  async cancel(batchId: string): Promise<void> {
    await this.http.json('POST', this.http.url(`/messages/batches/${encodeURIComponent(batchId)}/cancel`));
  }
}

type ResultLine = z.infer<typeof resultLineSchema>['result'];

function outcomeOf(result: ResultLine): BatchItemOutcome {
  switch (result.type) {
    case 'succeeded': {
      const m = result.message;
      const reasoning = m.content.filter((b) => b.type === 'thinking').map((b) => b.thinking ?? '').join('\n\n');
      const answer = m.content.filter((b) => b.type === 'text').map((b) => b.text ?? '').join('');
      const notes = m.content.some((b) => b.type === 'redacted_thinking') ? ['Part of the reasoning was redacted by the provider.'] : [];
      return { kind: 'succeeded', reasoning, answer, usage: usageOf(m.usage, reasoning), truncated: m.stop_reason === 'max_tokens', notes };
    }
    case 'errored':
      return { kind: 'errored', message: errorText(result.error) };
    case 'canceled':
      return { kind: 'canceled' };
    case 'expired':
      return { kind: 'expired' };
  }
}

function usageOf(u: z.infer<typeof usageSchema>, reasoning: string): Usage {
  const cacheRead = u.cache_read_input_tokens ?? 0;
  const thinking = u.output_tokens_details?.thinking_tokens;
  const outputTokens = u.output_tokens ?? 0;
  const estimatedThinking = thinking === undefined || thinking === null;
  return {
    inputTokens: (u.input_tokens ?? 0) + (u.cache_creation_input_tokens ?? 0) + cacheRead,
    cachedInputTokens: cacheRead,
    cacheWriteTokens: u.cache_creation_input_tokens ?? 0,
    outputTokens,
    reasoningTokens: estimatedThinking ? Math.min(outputTokens, reasoning ? estimateTokens(reasoning) : 0) : thinking,
    estimated: (estimatedThinking && reasoning.length > 0) || u.input_tokens === undefined || u.output_tokens === undefined,
  };
}

/** `{type:'error', error:{type, message}}` (the Messages error body) as one readable line. */
function errorText(error: unknown): string {
  const e = z.object({ error: z.object({ type: z.string().optional(), message: z.string().optional() }).optional(), type: z.string().optional(), message: z.string().optional() }).safeParse(error);
  if (!e.success) return 'The provider reported an error without details.';
  const inner = e.data.error;
  const type = inner?.type ?? e.data.type;
  const message = inner?.message ?? e.data.message ?? 'no details';
  return type && type !== 'error' ? `${type}: ${message}` : message;
}

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const r = schema.safeParse(value);
  if (!r.success) throw new ModelError('malformed-stream', `Anthropic sent an unexpected answer for ${what}: ${r.error.issues[0]?.message ?? 'invalid'}.`, { retryable: true });
  return r.data;
}
