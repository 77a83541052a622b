import * as assert from 'node:assert/strict';
import { classifyProviderError, HttpStatusError, providerErrorInfo, StreamEventError } from '../../../src/core/providers/errorClassifier';
import type { ErrorContext } from '../../../src/core/providers/errorContext';
import { anthropicAdapter } from '../../../src/core/providers/anthropicProvider';
import { openaiAdapter } from '../../../src/core/providers/openaiProvider';

const context = (overrides: Partial<ErrorContext> = {}): ErrorContext => ({ adapter: anthropicAdapter, model: 'claude-sonnet-4-5', baseUrl: 'https://api.anthropic.com/v1', apiKey: 'sk-ant-secret-1234567890', midStream: false, attempts: 1, ...overrides });

function httpError(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpStatusError {
  return new HttpStatusError(statusCode, headers, JSON.stringify(body));
}

describe('provider error classification', () => {
  it('reads every provider error shape', () => {
    assert.deepEqual(providerErrorInfo({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }), { type: 'overloaded_error', message: 'Overloaded' });
    assert.deepEqual(providerErrorInfo({ error: { message: 'Bad', type: 'invalid_request_error', param: null, code: 'context_length_exceeded' } }), { message: 'Bad', type: 'invalid_request_error', code: 'context_length_exceeded' });
    assert.deepEqual(providerErrorInfo({ error: { code: 402, message: 'No credits', type: null } }), { code: '402', status: 402, message: 'No credits' });
    assert.deepEqual(providerErrorInfo({ error: 'model not found' }), { message: 'model not found' });
    assert.deepEqual(providerErrorInfo('plain'), { message: 'plain' });
    assert.deepEqual(providerErrorInfo(42), {});
  });

  it('maps statuses and provider error types to kinds', () => {
    const kind = (status: number, body: unknown) => classifyProviderError(httpError(status, body), context()).kind;
    assert.equal(kind(401, {}), 'auth');
    assert.equal(kind(403, {}), 'permission');
    assert.equal(kind(404, {}), 'not-found');
    assert.equal(kind(413, {}), 'context-too-long');
    assert.equal(kind(400, { error: { message: "This model's maximum context length is 128000 tokens." } }), 'context-too-long');
    assert.equal(kind(400, { error: { message: 'Unsupported parameter: temperature' } }), 'bad-request');
    assert.equal(kind(422, { error: { message: 'Invalid parameters' } }), 'bad-request');
    assert.equal(kind(402, {}), 'insufficient-credit');
    assert.equal(kind(429, { error: { type: 'insufficient_quota', message: 'quota' } }), 'insufficient-credit');
    assert.equal(kind(429, {}), 'rate-limit');
    assert.equal(kind(529, {}), 'overloaded');
    assert.equal(kind(503, {}), 'overloaded');
    assert.equal(kind(500, { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }), 'overloaded');
    assert.equal(kind(502, {}), 'server');
    assert.equal(kind(408, {}), 'timeout');
  });

  it('keeps the retry-after wait and whether a retry may help', () => {
    const limited = classifyProviderError(httpError(429, {}, { 'retry-after': '4' }), context());
    assert.equal(limited.details.retryAfterMs, 4000);
    assert.equal(limited.details.retryable, true);
    assert.equal(classifyProviderError(httpError(400, {}), context()).details.retryable, false);
  });

  it('classifies connection failures as network errors, mid-stream or not', () => {
    const refused = new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }) });
    const before = classifyProviderError(refused, context());
    assert.equal(before.kind, 'network');
    assert.match(before.message, /^Could not reach Anthropic at https:\/\/api\.anthropic\.com: connect ECONNREFUSED/);
    const cut = classifyProviderError(new TypeError('terminated', { cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }) }), context({ midStream: true }));
    assert.equal(cut.kind, 'network');
    assert.match(cut.message, /^The connection to Anthropic was cut mid-response/);
  });

  it('names the provider error inside a stream and never the key', () => {
    const error = classifyProviderError(new StreamEventError({ type: 'api_error', message: 'Internal error for key sk-ant-secret-1234567890' }), context({ adapter: openaiAdapter, midStream: true }));
    assert.equal(error.kind, 'stream-error');
    assert.equal(error.details.retryable, true);
    assert.equal(error.message, 'OpenAI reported an error mid-response: api_error: Internal error for key [redacted]. Try again.');
  });

  it('masks credentials in a base URL wherever a message shows it', () => {
    const error = classifyProviderError(httpError(404, { error: { message: 'no such model at http://admin:hunter22@proxy.local/v1' } }), context({ baseUrl: 'http://admin:hunter22@proxy.local/v1' }));
    assert.equal(error.kind, 'not-found');
    assert.ok(!error.message.includes('hunter22'), error.message);
    assert.ok(!error.message.includes('admin'), error.message);
    assert.match(error.message, /http:\/\/\*\*\*@proxy\.local\/v1/);
  });
});
