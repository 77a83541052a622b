// HTTP for the batch APIs: plain fetch, pinned to the provider's origin. The API key goes only
// to the origin of the configured base URL: a URL the provider hands back (Anthropic's
// results_url) or a redirect to any other origin is refused, never followed with the key.
// Every exchange is bounded in time and in bytes; failures become ModelErrors with the key
// redacted from whatever the server said.
import { ModelError, type ModelErrorKind } from '../modelError';
import { redactApiKey } from '../providers/apiKeyRedaction';

export interface BatchHttpOptions {
  /** e.g. https://api.anthropic.com/v1 (no trailing slash needed). */
  baseUrl: string;
  /** Auth and version headers for every request (they carry the key). */
  headers: Record<string, string>;
  /** The key itself, only to redact it from error messages. */
  apiKey?: string;
  providerLabel: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
  maxResponseBytes?: number;
}

const DEFAULT_TIMEOUT_MS = 120_000;
/** Result files hold every answer of a batch; 256 MiB is far above what reviews produce. */
const DEFAULT_MAX_RESPONSE_BYTES = 256 * 1024 * 1024;
const MAX_SAME_ORIGIN_REDIRECTS = 3;

export class BatchHttp {
  readonly base: string;
  private readonly origin: string;

  constructor(private readonly options: BatchHttpOptions) {
    let url: URL;
    try {
      url = new URL(options.baseUrl);
    } catch {
      throw new ModelError('config', `The ${options.providerLabel} base URL “${options.baseUrl}” is not a URL.`, { retryable: false });
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ModelError('config', `The ${options.providerLabel} base URL must start with http:// or https://.`, { retryable: false });
    this.base = options.baseUrl.replace(/\/+$/, '');
    this.origin = url.origin;
  }

  /** The base URL plus a path such as `/messages/batches`. */
  url(path: string): string {
    return `${this.base}${path}`;
  }

  /** True when the URL is on the configured origin (so it may receive the key). */
  sameOrigin(url: string): boolean {
    try {
      return new URL(url).origin === this.origin;
    } catch {
      return false;
    }
  }

  async json(method: 'GET' | 'POST', url: string, body?: unknown): Promise<unknown> {
    const init: { body?: string; headers: Record<string, string> } = { headers: {} };
    if (body !== undefined) {
      init.body = JSON.stringify(body);
      init.headers['content-type'] = 'application/json';
    }
    const text = await this.request(method, url, init);
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new ModelError('malformed-stream', `${this.options.providerLabel} answered ${method} ${pathOf(url)} with something that is not JSON.`, { retryable: true });
    }
  }

  /** A raw body (JSONL result files). */
  text(url: string): Promise<string> {
    return this.request('GET', url, { headers: {} });
  }

  /** A multipart/form-data POST (OpenAI file upload). */
  async form(url: string, form: FormData): Promise<unknown> {
    const text = await this.request('POST', url, { headers: {}, body: form });
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new ModelError('malformed-stream', `${this.options.providerLabel} answered the upload with something that is not JSON.`, { retryable: true });
    }
  }

  private async request(method: string, url: string, init: { body?: string | FormData; headers: Record<string, string> }): Promise<string> {
    const doFetch = this.options.fetch ?? fetch;
    let target = url;
    for (let hop = 0; ; hop++) {
      if (!this.sameOrigin(target)) {
        throw new ModelError('config', `Refused to send the ${this.options.providerLabel} API key to ${safeOrigin(target)}: it is not the configured API origin ${this.origin}.`, { retryable: false });
      }
      let res: Response;
      try {
        res = await doFetch(target, {
          method,
          headers: { ...this.options.headers, ...init.headers },
          body: init.body,
          redirect: 'manual',
          signal: AbortSignal.timeout(this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
        });
      } catch (err) {
        const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
        throw new ModelError(timedOut ? 'timeout' : 'network', `${this.options.providerLabel} ${timedOut ? 'did not answer in time' : 'could not be reached'} (${method} ${pathOf(target)}): ${this.redact(err instanceof Error ? err.message : String(err))}`, { retryable: true, cause: err });
      }
      if (res.status >= 300 && res.status < 400) {
        const location = res.headers.get('location');
        await res.body?.cancel().catch(() => undefined);
        if (!location || hop >= MAX_SAME_ORIGIN_REDIRECTS) throw new ModelError('server', `${this.options.providerLabel} redirected ${method} ${pathOf(target)} without a usable target.`, { status: res.status });
        target = new URL(location, target).toString();
        continue;
      }
      const text = await readBounded(res, this.options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES, this.options.providerLabel);
      if (!res.ok) throw this.httpError(res, text, method, target);
      return text;
    }
  }

  private httpError(res: Response, text: string, method: string, url: string): ModelError {
    const kind = kindOfStatus(res.status);
    const said = this.redact(providerMessage(text) ?? text.slice(0, 300));
    const retryAfter = Number(res.headers.get('retry-after'));
    return new ModelError(kind, `${this.options.providerLabel} refused ${method} ${pathOf(url)} (HTTP ${res.status}): ${said || res.statusText}`, {
      status: res.status,
      retryable: kind === 'rate-limit' || kind === 'overloaded' || kind === 'server',
      retryAfterMs: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined,
    });
  }

  private redact(text: string): string {
    return redactApiKey(text, this.options.apiKey);
  }
}

function kindOfStatus(status: number): ModelErrorKind {
  if (status === 401) return 'auth';
  if (status === 402) return 'insufficient-credit';
  if (status === 403) return 'permission';
  if (status === 404) return 'not-found';
  if (status === 413) return 'context-too-long';
  if (status === 429) return 'rate-limit';
  if (status === 529 || status === 503) return 'overloaded';
  if (status >= 500) return 'server';
  return 'bad-request';
}

/** `error.message` from either provider's error body. */
function providerMessage(text: string): string | undefined {
  try {
    const body = JSON.parse(text) as { error?: { message?: unknown; type?: unknown } };
    const message = body.error?.message;
    return typeof message === 'string' ? message : undefined;
  } catch {
    return undefined;
  }
}

async function readBounded(res: Response, maxBytes: number, label: string): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const parts: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new ModelError('server', `${label} sent more than ${Math.round(maxBytes / 1024 / 1024)} MiB in one response; it was not read.`, { retryable: false });
    }
    parts.push(value);
  }
  return Buffer.concat(parts).toString('utf8');
}

function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}

function safeOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'an invalid URL';
  }
}
