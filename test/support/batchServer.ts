// A local stand-in for the providers' batch APIs, in their real wire formats, on 127.0.0.1 at a
// random port: Anthropic Message Batches (/v1/messages/batches…) and OpenAI's Files + Batch API
// (/v1/files, /v1/batches…, endpoint /v1/responses). Tests decide how each request is answered
// (`respond`), when a batch ends (`complete`, or after N polls), and can expire a batch; a cancel
// ends the batch with its unfinished requests cancelled on the next poll. Every HTTP request is
// recorded (method, path, headers, body) so tests can check what was sent and with which key.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export type ItemAnswer =
  | { type: 'succeeded'; reasoning: string; answer: string; inputTokens: number; outputTokens: number; reasoningTokens: number; cacheReadTokens?: number }
  | { type: 'errored'; message: string };

export interface StoredRequest {
  customId: string;
  body: Record<string, unknown>;
}

export interface ServerBatch {
  provider: 'anthropic' | 'openai';
  id: string;
  requests: StoredRequest[];
  /** in_progress until completed, expired or cancelled. */
  state: 'in_progress' | 'canceling' | 'ended' | 'expired' | 'cancelled' | 'failed';
  /** Why an OpenAI batch failed validation as a whole. */
  failure?: { code: string; message: string };
  polls: number;
  /** custom ids that ran before expiry (their results are kept). */
  ranBeforeExpiry: Set<string>;
  inputFileId?: string;
  outputFileId?: string;
  errorFileId?: string;
  createdAt: number;
}

export interface SeenRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export class BatchServer {
  readonly seen: SeenRequest[] = [];
  readonly batches = new Map<string, ServerBatch>();
  readonly files = new Map<string, { content: string; purpose: string; filename: string }>();
  /** How each request is answered; default: a fixed successful review. */
  respond: (req: StoredRequest, provider: 'anthropic' | 'openai') => ItemAnswer = () => DEFAULT_ANSWER;
  /** End batches by themselves after this many status polls (undefined: only `complete`). */
  completeAfterPolls: number | undefined;
  /** HTTP statuses the next batch creations answer with instead of creating (one each). */
  readonly failCreates: number[] = [];
  private counter = 0;

  private constructor(
    private readonly server: http.Server,
    readonly baseUrl: string,
  ) {}

  /** Listens on `port` (0: a random free one; a given one restarts a server a test stopped). */
  static async start(port = 0): Promise<BatchServer> {
    let self: BatchServer | undefined;
    const server = http.createServer((req, res) => void self?.handle(req, res));
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
    self = new BatchServer(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return self;
  }

  /** The API base a client is configured with, e.g. http://127.0.0.1:1234/v1. */
  get apiBase(): string {
    return `${this.baseUrl}/v1`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  /** The batches and files as JSON, to carry them across a window reload (see restore). */
  snapshot(): string {
    const batches = [...this.batches.values()].map((b) => ({ ...b, ranBeforeExpiry: [...b.ranBeforeExpiry] }));
    return JSON.stringify({ batches, files: [...this.files.entries()], counter: this.counter });
  }

  restore(json: string): void {
    const data = JSON.parse(json) as { batches: (Omit<ServerBatch, 'ranBeforeExpiry'> & { ranBeforeExpiry: string[] })[]; files: [string, { content: string; purpose: string; filename: string }][]; counter: number };
    for (const b of data.batches) this.batches.set(b.id, { ...b, ranBeforeExpiry: new Set(b.ranBeforeExpiry) });
    for (const [id, f] of data.files) this.files.set(id, f);
    this.counter = data.counter;
  }

  /** Ends a batch: every request gets its answer. */
  complete(batchId: string): void {
    const b = this.mustGet(batchId);
    if (b.state === 'in_progress') this.end(b, 'ended');
  }

  /** Fails an OpenAI batch as a whole (as its validation does for a bad input file). */
  fail(batchId: string, code: string, message: string): void {
    const b = this.mustGet(batchId);
    if (b.provider !== 'openai') throw new Error('only OpenAI batches fail as a whole');
    b.state = 'failed';
    b.failure = { code, message };
  }

  /** Expires a batch after the first `ran` requests ran; the rest expire. */
  expire(batchId: string, ran = 0): void {
    const b = this.mustGet(batchId);
    b.ranBeforeExpiry = new Set(b.requests.slice(0, ran).map((r) => r.customId));
    this.end(b, 'expired');
  }

  /** The only batch so far (tests that submit one). */
  onlyBatch(): ServerBatch {
    const all = [...this.batches.values()];
    if (all.length !== 1) throw new Error(`expected one batch, found ${all.length}`);
    return all[0]!;
  }

  private mustGet(id: string): ServerBatch {
    const b = this.batches.get(id);
    if (!b) throw new Error(`no batch ${id}`);
    return b;
  }

  private id(prefix: string): string {
    this.counter++;
    return `${prefix}${String(this.counter).padStart(6, '0')}`;
  }

  private end(b: ServerBatch, how: 'ended' | 'expired' | 'cancelled'): void {
    b.state = how;
    if (b.provider === 'openai') this.writeOpenAIFiles(b);
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const body = await readBody(req);
    const path = (req.url ?? '').split('?')[0] ?? '';
    this.seen.push({ method: req.method ?? '', path, headers: req.headers, body: body.toString('utf8') });
    try {
      const out = await this.route(req, path, body);
      if (typeof out === 'string') {
        res.writeHead(200, { 'content-type': 'application/binary' });
        res.end(out);
      } else {
        res.writeHead(out.status ?? 200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(out.json));
      }
    } catch (err) {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: String(err) } }));
    }
  }

  private async route(req: http.IncomingMessage, path: string, raw: Buffer): Promise<string | { status?: number; json: unknown }> {
    const m = req.method;
    let x: RegExpExecArray | null;
    // ---- Anthropic
    if (path.startsWith('/v1/messages/batches')) {
      if (req.headers['x-api-key'] === undefined || req.headers['anthropic-version'] !== '2023-06-01') return { status: 401, json: anthropicError('authentication_error', 'invalid x-api-key') };
      if (m === 'POST' && path === '/v1/messages/batches') {
        const status = this.failCreates.shift();
        if (status) return { status, json: anthropicError(status === 529 ? 'overloaded_error' : 'api_error', 'Overloaded') };
        const parsed = JSON.parse(raw.toString('utf8')) as { requests: { custom_id: string; params: Record<string, unknown> }[] };
        const b = this.newBatch('anthropic', this.id('msgbatch_'), parsed.requests.map((r) => ({ customId: r.custom_id, body: r.params })));
        return { json: this.anthropicBatch(b) };
      }
      if (m === 'GET' && (x = /^\/v1\/messages\/batches\/([^/]+)$/.exec(path))) return this.poll(x[1]!, (b) => this.anthropicBatch(b));
      if (m === 'GET' && (x = /^\/v1\/messages\/batches\/([^/]+)\/results$/.exec(path))) {
        const b = this.batches.get(x[1]!);
        if (!b || b.state === 'in_progress' || b.state === 'canceling') return { status: 404, json: anthropicError('not_found_error', 'results not ready') };
        return b.requests.map((r) => JSON.stringify({ custom_id: r.customId, result: this.anthropicResult(b, r) })).join('\n') + '\n';
      }
      if (m === 'POST' && (x = /^\/v1\/messages\/batches\/([^/]+)\/cancel$/.exec(path))) {
        const b = this.batches.get(x[1]!);
        if (!b) return { status: 404, json: anthropicError('not_found_error', 'no such batch') };
        if (b.state === 'in_progress') b.state = 'canceling';
        return { json: this.anthropicBatch(b) };
      }
    }
    // ---- OpenAI
    if (path.startsWith('/v1/files') || path.startsWith('/v1/batches')) {
      if (!/^Bearer \S+/.test(String(req.headers.authorization ?? ''))) return { status: 401, json: { error: { message: 'Missing bearer', type: 'invalid_request_error', param: null, code: null } } };
      if (m === 'POST' && path === '/v1/files') {
        const form = await new Request('http://x/', { method: 'POST', headers: { 'content-type': String(req.headers['content-type']) }, body: new Uint8Array(raw) }).formData();
        const file = form.get('file');
        if (!(file instanceof Blob) || form.get('purpose') !== 'batch') return { status: 400, json: { error: { message: 'file and purpose=batch required', type: 'invalid_request_error', param: null, code: null } } };
        const id = this.id('file-');
        const content = await file.text();
        this.files.set(id, { content, purpose: 'batch', filename: (file as File).name ?? 'upload.jsonl' });
        return { json: { id, object: 'file', bytes: Buffer.byteLength(content), created_at: now(), filename: (file as File).name, purpose: 'batch' } };
      }
      if (m === 'GET' && (x = /^\/v1\/files\/([^/]+)\/content$/.exec(path))) {
        const f = this.files.get(x[1]!);
        return f ? f.content : { status: 404, json: { error: { message: 'No such file', type: 'invalid_request_error', param: null, code: null } } };
      }
      if (m === 'POST' && path === '/v1/batches') {
        const status = this.failCreates.shift();
        if (status) return { status, json: { error: { message: 'The server is overloaded.', type: 'server_error', param: null, code: null } } };
        const p = JSON.parse(raw.toString('utf8')) as { input_file_id: string; endpoint: string; completion_window: string };
        const f = this.files.get(p.input_file_id);
        if (!f || p.endpoint !== '/v1/responses' || p.completion_window !== '24h') return { status: 400, json: { error: { message: 'bad batch', type: 'invalid_request_error', param: null, code: null } } };
        const lines = f.content.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as { custom_id: string; method: string; url: string; body: Record<string, unknown> });
        if (lines.some((l) => l.method !== 'POST' || l.url !== '/v1/responses')) return { status: 400, json: { error: { message: 'bad line', type: 'invalid_request_error', param: null, code: null } } };
        const b = this.newBatch('openai', this.id('batch_'), lines.map((l) => ({ customId: l.custom_id, body: l.body })));
        b.inputFileId = p.input_file_id;
        return { json: this.openaiBatch(b) };
      }
      if (m === 'GET' && (x = /^\/v1\/batches\/([^/]+)$/.exec(path))) return this.poll(x[1]!, (b) => this.openaiBatch(b));
      if (m === 'POST' && (x = /^\/v1\/batches\/([^/]+)\/cancel$/.exec(path))) {
        const b = this.batches.get(x[1]!);
        if (!b) return { status: 404, json: { error: { message: 'No such batch', type: 'invalid_request_error', param: null, code: null } } };
        if (b.state === 'in_progress') b.state = 'canceling';
        return { json: this.openaiBatch(b) };
      }
    }
    return { status: 404, json: { error: { message: `batch server: no route for ${m} ${path}` } } };
  }

  private newBatch(provider: 'anthropic' | 'openai', id: string, requests: StoredRequest[]): ServerBatch {
    const b: ServerBatch = { provider, id, requests, state: 'in_progress', polls: 0, ranBeforeExpiry: new Set(), createdAt: now() };
    this.batches.set(id, b);
    return b;
  }

  /** A status poll: progression happens here (cancel takes effect, auto-complete). */
  private poll(id: string, render: (b: ServerBatch) => unknown): { status?: number; json: unknown } {
    const b = this.batches.get(id);
    if (!b) return { status: 404, json: { error: { message: 'not found' } } };
    b.polls++;
    if (b.state === 'canceling') this.end(b, 'cancelled');
    else if (b.state === 'in_progress' && this.completeAfterPolls !== undefined && b.polls >= this.completeAfterPolls) this.end(b, 'ended');
    return { json: render(b) };
  }

  /** What happened to one request once its batch is over. */
  private fate(b: ServerBatch, r: StoredRequest): ItemAnswer | 'canceled' | 'expired' {
    if (b.state === 'cancelled') return 'canceled';
    if (b.state === 'expired' && !b.ranBeforeExpiry.has(r.customId)) return 'expired';
    return this.respond(r, b.provider);
  }

  private anthropicBatch(b: ServerBatch): unknown {
    const over = b.state !== 'in_progress' && b.state !== 'canceling';
    const counts = { processing: 0, succeeded: 0, errored: 0, canceled: 0, expired: 0 };
    for (const r of b.requests) {
      if (!over) counts.processing++;
      else {
        const f = this.fate(b, r);
        if (f === 'canceled') counts.canceled++;
        else if (f === 'expired') counts.expired++;
        else counts[f.type]++;
      }
    }
    const created = new Date(b.createdAt * 1000);
    return {
      id: b.id,
      type: 'message_batch',
      processing_status: over ? 'ended' : b.state === 'canceling' ? 'canceling' : 'in_progress',
      request_counts: counts,
      ended_at: over ? new Date().toISOString() : null,
      created_at: created.toISOString(),
      expires_at: new Date(created.getTime() + 86_400_000).toISOString(),
      archived_at: null,
      cancel_initiated_at: b.state === 'cancelled' || b.state === 'canceling' ? new Date().toISOString() : null,
      results_url: over ? `${this.baseUrl}/v1/messages/batches/${b.id}/results` : null,
    };
  }

  private anthropicResult(b: ServerBatch, r: StoredRequest): unknown {
    const f = this.fate(b, r);
    if (f === 'canceled') return { type: 'canceled' };
    if (f === 'expired') return { type: 'expired' };
    if (f.type === 'errored') return { type: 'errored', error: { type: 'error', error: { type: 'invalid_request_error', message: f.message } } };
    return {
      type: 'succeeded',
      message: {
        id: `msg_${r.customId}`,
        type: 'message',
        role: 'assistant',
        model: String(r.body.model),
        content: [
          ...(f.reasoning ? [{ type: 'thinking', thinking: f.reasoning, signature: 'c3ludGhldGljLXNpZ25hdHVyZQ==' }] : []),
          { type: 'text', text: f.answer, citations: null },
        ],
        stop_reason: 'end_turn',
        stop_sequence: null,
        usage: { input_tokens: f.inputTokens - (f.cacheReadTokens ?? 0), cache_creation_input_tokens: 0, cache_read_input_tokens: f.cacheReadTokens ?? 0, output_tokens: f.outputTokens, output_tokens_details: { thinking_tokens: f.reasoningTokens }, service_tier: 'batch' },
      },
    };
  }

  private openaiBatch(b: ServerBatch): unknown {
    const status = { in_progress: 'in_progress', canceling: 'cancelling', ended: 'completed', expired: 'expired', cancelled: 'cancelled', failed: 'failed' }[b.state];
    let completed = 0;
    let failed = 0;
    if (b.state !== 'in_progress' && b.state !== 'canceling' && b.state !== 'failed') {
      for (const r of b.requests) {
        const f = this.fate(b, r);
        if (typeof f !== 'string' && f.type === 'succeeded') completed++;
        else failed++;
      }
    }
    return {
      id: b.id,
      object: 'batch',
      endpoint: '/v1/responses',
      errors: b.failure ? { object: 'list', data: [{ code: b.failure.code, message: b.failure.message, param: null, line: 1 }] } : null,
      input_file_id: b.inputFileId,
      completion_window: '24h',
      status,
      output_file_id: b.outputFileId ?? null,
      error_file_id: b.errorFileId ?? null,
      created_at: b.createdAt,
      expires_at: b.createdAt + 86_400,
      request_counts: { total: b.requests.length, completed, failed },
      metadata: null,
    };
  }

  private writeOpenAIFiles(b: ServerBatch): void {
    const out: string[] = [];
    const err: string[] = [];
    for (const r of b.requests) {
      const f = this.fate(b, r);
      const id = this.id('batch_req_');
      if (f === 'canceled' || f === 'expired') {
        err.push(JSON.stringify({ id, custom_id: r.customId, response: null, error: { code: f === 'canceled' ? 'batch_cancelled' : 'batch_expired', message: f === 'canceled' ? 'This request was cancelled.' : 'This request could not be executed before the completion window expired.' } }));
      } else if (f.type === 'errored') {
        err.push(JSON.stringify({ id, custom_id: r.customId, response: { status_code: 400, request_id: `req_${id}`, body: { error: { message: f.message, type: 'invalid_request_error', param: null, code: null } } }, error: null }));
      } else {
        const output = [
          ...(f.reasoning ? [{ id: `rs_${id}`, type: 'reasoning', summary: [{ type: 'summary_text', text: f.reasoning }] }] : []),
          { id: `msg_${id}`, type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: f.answer, annotations: [] }] },
        ];
        const usage = { input_tokens: f.inputTokens, input_tokens_details: { cached_tokens: f.cacheReadTokens ?? 0 }, output_tokens: f.outputTokens, output_tokens_details: { reasoning_tokens: f.reasoningTokens }, total_tokens: f.inputTokens + f.outputTokens };
        out.push(JSON.stringify({ id, custom_id: r.customId, response: { status_code: 200, request_id: `req_${id}`, body: { id: `resp_${id}`, object: 'response', status: 'completed', model: r.body.model, output, usage } }, error: null }));
      }
    }
    if (out.length) this.files.set((b.outputFileId = this.id('file-')), { content: out.join('\n') + '\n', purpose: 'batch_output', filename: 'batch_output.jsonl' });
    if (err.length) this.files.set((b.errorFileId = this.id('file-')), { content: err.join('\n') + '\n', purpose: 'batch_output', filename: 'batch_errors.jsonl' });
  }
}

export const DEFAULT_ANSWER: ItemAnswer = {
  type: 'succeeded',
  reasoning: 'The loop bound is inclusive, so the last iteration reads past the end.',
  answer: JSON.stringify({
    summary: 'Off-by-one: the loop reads past the end.',
    findings: [{ title: 'Loop reads values[values.length]', severity: 'high', confidence: 0.9, startLine: 3, endLine: 3, explanation: 'Use < instead of <=.', suggestedFix: '  for (let i = 0; i < values.length; i++) {' }],
    answer: 'Change `<=` to `<`.',
  }),
  inputTokens: 1_000_000,
  outputTokens: 200_000,
  reasoningTokens: 50_000,
};

function anthropicError(type: string, message: string): unknown {
  return { type: 'error', error: { type, message }, request_id: 'req_test' };
}

function now(): number {
  return Math.floor(Date.now() / 1000);
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => resolve(Buffer.concat(parts)));
    req.on('error', reject);
  });
}
