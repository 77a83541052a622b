// The API key reaches only the configured origin: results URLs and redirects elsewhere are
// refused before any request carries the key; error texts never echo it.
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { AnthropicBatchApi } from '../../../src/core/batch/anthropicBatchApi';
import { BatchHttp } from '../../../src/core/batch/batchHttp';

const KEY = 'sk-ant-origin-SENTINEL-9999';

async function serve(handler: http.RequestListener): Promise<{ url: string; seen: http.IncomingHttpHeaders[]; close: () => Promise<void> }> {
  const seen: http.IncomingHttpHeaders[] = [];
  const server = http.createServer((req, res) => {
    seen.push(req.headers);
    handler(req, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, close: () => new Promise((r) => server.close(() => r())) };
}

describe('batch HTTP: keys stay on their origin', () => {
  it('reads Anthropic results from the documented path when results_url points elsewhere', async () => {
    const other = await serve((_q, res) => res.end('{}'));
    const api = await serve((req, res) => {
      res.setHeader('content-type', 'application/json');
      if (req.url === '/v1/messages/batches/msgbatch_1') {
        res.end(JSON.stringify({ id: 'msgbatch_1', type: 'message_batch', processing_status: 'ended', request_counts: { processing: 0, succeeded: 1, errored: 0, canceled: 0, expired: 0 }, results_url: `${other.url}/steal` }));
      } else if (req.url === '/v1/messages/batches/msgbatch_1/results') {
        res.end(`${JSON.stringify({ custom_id: 'j1', result: { type: 'succeeded', message: { content: [{ type: 'text', text: 'ok' }], stop_reason: 'end_turn', usage: { input_tokens: 1, output_tokens: 2 } } } })}\n`);
      } else {
        res.statusCode = 404;
        res.end('{}');
      }
    });
    try {
      const client = new AnthropicBatchApi({ baseUrl: `${api.url}/v1`, apiKey: KEY });
      const progress = await client.retrieve('msgbatch_1');
      const results = await client.results('msgbatch_1', progress);
      assert.equal(results.get('j1')?.kind, 'succeeded');
      assert.equal(other.seen.length, 0, 'the other origin was never contacted');
    } finally {
      await Promise.all([api.close(), other.close()]);
    }
  });

  it('refuses a redirect to another origin without sending the key there', async () => {
    const other = await serve((_q, res) => res.end('{}'));
    const api = await serve((_q, res) => {
      res.statusCode = 307;
      res.setHeader('location', `${other.url}/v1/messages/batches`);
      res.end();
    });
    try {
      const httpClient = new BatchHttp({ baseUrl: `${api.url}/v1`, headers: { 'x-api-key': KEY }, apiKey: KEY, providerLabel: 'Anthropic' });
      await assert.rejects(httpClient.json('GET', httpClient.url('/messages/batches')), (err: Error) => /Refused to send the Anthropic API key to http:\/\/127\.0\.0\.1:\d+/.test(err.message) && !err.message.includes(KEY));
      assert.equal(other.seen.length, 0);
    } finally {
      await Promise.all([api.close(), other.close()]);
    }
  });

  it('redacts the key from a provider error that echoes it', async () => {
    const api = await serve((_q, res) => {
      res.statusCode = 401;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ type: 'error', error: { type: 'authentication_error', message: `invalid x-api-key ${KEY}` } }));
    });
    try {
      const client = new AnthropicBatchApi({ baseUrl: `${api.url}/v1`, apiKey: KEY });
      await assert.rejects(client.retrieve('msgbatch_1'), (err: Error & { kind?: string }) => err.kind === 'auth' && err.message.includes('[redacted]') && !err.message.includes(KEY));
    } finally {
      await api.close();
    }
  });
});
