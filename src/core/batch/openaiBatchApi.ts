// OpenAI Batch API over the Responses endpoint: upload the requests as a JSONL file
// (POST /v1/files, purpose=batch), POST /v1/batches {input_file_id, endpoint:"/v1/responses",
// completion_window:"24h"}, GET /v1/batches/{id} (validating | in_progress | finalizing |
// completed | failed | expired | cancelling | cancelled), then the output and error files
// (GET /v1/files/{id}/content: {custom_id, response:{status_code, body}, error} per line),
// POST /v1/batches/{id}/cancel.
import * as z from 'zod';
import { ModelError } from '../modelError';
import type { Usage } from '../modelClient';
import { BatchHttp } from './batchHttp';
import { parseJsonLines, toJsonLines } from './jsonLines';
import type { BatchItemOutcome, BatchProgress, BatchRequestLine, ProviderBatchApi } from './batchTypes';

export const OPENAI_BATCH_ENDPOINT = '/v1/responses';

const batchSchema = z.object({
  id: z.string().min(1),
  status: z.string(),
  output_file_id: z.string().nullish(),
  error_file_id: z.string().nullish(),
  request_counts: z.object({ total: z.number(), completed: z.number(), failed: z.number() }).partial().nullish(),
  errors: z.object({ data: z.array(z.object({ code: z.string().nullish(), message: z.string().nullish(), line: z.number().nullish() })).nullish() }).nullish(),
});

const fileSchema = z.object({ id: z.string().min(1) });

const responseBodySchema = z.object({
  status: z.string().nullish(),
  incomplete_details: z.object({ reason: z.string().nullish() }).nullish(),
  output: z
    .array(
      z.object({
        type: z.string(),
        summary: z.array(z.object({ text: z.string() })).nullish(),
        content: z.array(z.object({ type: z.string(), text: z.string().optional() })).nullish(),
      }),
    )
    .default([]),
  usage: z
    .object({
      input_tokens: z.number().nullish(),
      input_tokens_details: z.object({ cached_tokens: z.number().nullish(), cache_write_tokens: z.number().nullish() }).nullish(),
      output_tokens: z.number().nullish(),
      output_tokens_details: z.object({ reasoning_tokens: z.number().nullish() }).nullish(),
    })
    .nullish(),
});

const outputLineSchema = z.object({
  custom_id: z.string(),
  response: z.object({ status_code: z.number(), body: z.unknown() }).nullish(),
  error: z.object({ code: z.string().nullish(), message: z.string().nullish() }).nullish(),
});

const PENDING = new Set(['validating', 'in_progress', 'finalizing', 'cancelling']);

export class OpenAIBatchApi implements ProviderBatchApi {
  readonly provider = 'openai' as const;
  private readonly http: BatchHttp;

  constructor(options: { baseUrl: string; apiKey: string; fetch?: typeof fetch }) {
    this.http = new BatchHttp({ baseUrl: options.baseUrl, apiKey: options.apiKey, providerLabel: 'OpenAI', headers: { authorization: `Bearer ${options.apiKey}` }, fetch: options.fetch });
  }

  async create(lines: readonly BatchRequestLine[]): Promise<{ batchId: string; inputFileId: string }> {
    const jsonl = toJsonLines(lines.map((l) => ({ custom_id: l.customId, method: 'POST', url: OPENAI_BATCH_ENDPOINT, body: l.body })));
    const form = new FormData();
    form.append('purpose', 'batch');
    form.append('file', new Blob([jsonl], { type: 'application/jsonl' }), 'deep-review-batch.jsonl');
    const file = parse(fileSchema, await this.http.form(this.http.url('/files'), form), 'the uploaded requests');
    const batch = parse(batchSchema, await this.http.json('POST', this.http.url('/batches'), { input_file_id: file.id, endpoint: OPENAI_BATCH_ENDPOINT, completion_window: '24h' }), 'the new batch');
    return { batchId: batch.id, inputFileId: file.id };
  }

  async retrieve(batchId: string): Promise<BatchProgress> {
    const b = parse(batchSchema, await this.http.json('GET', this.http.url(`/batches/${encodeURIComponent(batchId)}`)), `batch ${batchId}`);
    const c = b.request_counts ?? {};
    const failure = b.status === 'failed' ? (b.errors?.data ?? []).map((e) => [e.code, e.message].filter(Boolean).join(': ')).filter(Boolean).join('; ') || 'no reason given' : undefined;
    return {
      phase: PENDING.has(b.status) ? 'pending' : b.status === 'failed' ? 'failed' : 'ended',
      providerStatus: b.status,
      counts: { done: c.completed ?? 0, failed: c.failed ?? 0, total: c.total ?? 0 },
      resultRefs: { outputFileId: b.output_file_id ?? undefined, errorFileId: b.error_file_id ?? undefined },
      failure,
      expired: b.status === 'expired',
    };
  }

  async results(_batchId: string, progress: BatchProgress): Promise<Map<string, BatchItemOutcome>> {
    const out = new Map<string, BatchItemOutcome>();
    for (const fileId of [progress.resultRefs.errorFileId, progress.resultRefs.outputFileId]) {
      if (!fileId) continue;
      const text = await this.http.text(this.http.url(`/files/${encodeURIComponent(fileId)}/content`));
      for (const raw of parseJsonLines(text)) {
        const line = outputLineSchema.safeParse(raw);
        if (line.success) out.set(line.data.custom_id, outcomeOf(line.data));
      }
    }
    return out;
  }

  async cancel(batchId: string): Promise<void> {
    await this.http.json('POST', this.http.url(`/batches/${encodeURIComponent(batchId)}/cancel`));
  }
}

function outcomeOf(line: z.infer<typeof outputLineSchema>): BatchItemOutcome {
  if (line.error) {
    if (line.error.code === 'batch_expired') return { kind: 'expired' };
    if (line.error.code === 'batch_cancelled') return { kind: 'canceled' };
    return { kind: 'errored', message: [line.error.code, line.error.message].filter(Boolean).join(': ') || 'The provider reported an error without details.' };
  }
  const response = line.response;
  if (!response) return { kind: 'errored', message: 'The provider returned neither a response nor an error for this request.' };
  if (response.status_code < 200 || response.status_code >= 300) {
    const err = z.object({ error: z.object({ message: z.string().optional(), code: z.string().nullish(), type: z.string().nullish() }) }).safeParse(response.body);
    const detail = err.success ? [err.data.error.code ?? err.data.error.type, err.data.error.message].filter(Boolean).join(': ') : '';
    return { kind: 'errored', message: `HTTP ${response.status_code}${detail ? `: ${detail}` : ''}` };
  }
  const body = responseBodySchema.safeParse(response.body);
  if (!body.success) return { kind: 'errored', message: 'The provider returned a response this version cannot read.' };
  const b = body.data;
  const reasoning = b.output.filter((o) => o.type === 'reasoning').flatMap((o) => (o.summary ?? []).map((s) => s.text)).join('\n\n');
  const answer = b.output.filter((o) => o.type === 'message').flatMap((o) => (o.content ?? []).filter((c) => c.type === 'output_text').map((c) => c.text ?? '')).join('');
  const truncated = b.status === 'incomplete';
  const notes = truncated ? [`The provider stopped the answer early (${b.incomplete_details?.reason ?? 'incomplete'}).`] : [];
  return { kind: 'succeeded', reasoning, answer, usage: usageOf(b.usage), truncated, notes };
}

function usageOf(u: z.infer<typeof responseBodySchema>['usage']): Usage | undefined {
  if (!u) return undefined;
  const outputTokens = u.output_tokens ?? 0;
  return {
    inputTokens: u.input_tokens ?? 0,
    cachedInputTokens: u.input_tokens_details?.cached_tokens ?? 0,
    cacheWriteTokens: u.input_tokens_details?.cache_write_tokens ?? 0,
    outputTokens,
    reasoningTokens: u.output_tokens_details?.reasoning_tokens ?? 0,
    estimated: u.input_tokens === undefined || u.input_tokens === null || u.output_tokens === undefined || u.output_tokens === null,
  };
}

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const r = schema.safeParse(value);
  if (!r.success) throw new ModelError('malformed-stream', `OpenAI sent an unexpected answer for ${what}: ${r.error.issues[0]?.message ?? 'invalid'}.`, { retryable: true });
  return r.data;
}
