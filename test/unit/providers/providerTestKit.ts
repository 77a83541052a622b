// Shared by the provider tests: a client pointed at the local model server with a recording
// sleep (no real waiting between retries), and the events of one call collected in one place.
import * as assert from 'node:assert/strict';
import type { FinishReason, ModelCall, ModelEvent, ModelSpec, ProviderId, Usage } from '../../../src/core/modelClient';
import { isModelError, type ModelError, type ModelErrorKind } from '../../../src/core/modelError';
import { createModelClient, type ProviderClientConfig } from '../../../src/core/providers/providerFactory';
import type { ModelServer } from '../../support/modelServer';

/** A key-shaped secret: any occurrence outside its auth header is a leak. */
export const TEST_API_KEY = 'sk-test-DEEPREVIEW-9f8e7d6c5b4a';

/** The code under review, so tests can check the prompt carries it. */
export const REVIEWED_CODE = 'function add(a, b) { return a - b; }';

export function testSpec(provider: ProviderId, model: string, overrides: Partial<ModelSpec> = {}): ModelSpec {
  return { provider, model, reasoning: true, effort: 'medium', maxThinkingTokens: 4096, maxAnswerTokens: 2048, ...overrides };
}

export function testCall(spec: ModelSpec, signal: AbortSignal = new AbortController().signal): ModelCall {
  return { spec, system: 'You are a careful code reviewer.', prompt: `Review this code:\n${REVIEWED_CODE}`, signal };
}

export interface TestClient {
  client: ReturnType<typeof createModelClient>;
  /** Delays the client asked to sleep before each retry. */
  sleeps: number[];
}

export function testClient(server: ModelServer, provider: ProviderId, basePath: string, overrides: Partial<ProviderClientConfig> = {}): TestClient {
  const sleeps: number[] = [];
  const client = createModelClient({
    provider,
    apiKey: TEST_API_KEY,
    baseUrl: server.url(basePath),
    idleTimeoutMs: 2_000,
    ...overrides,
    retry: {
      baseDelayMs: 10,
      random: () => 0,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      ...overrides.retry,
    },
  });
  return { client, sleeps };
}

export interface Collected {
  events: ModelEvent[];
  reasoning: string;
  answer: string;
  usage: Usage | undefined;
  retries: Extract<ModelEvent, { type: 'retry' }>[];
  warnings: string[];
  finish: FinishReason | undefined;
  error: unknown;
}

/** Runs the stream to its end; a thrown error is kept, not rethrown. */
export async function collect(stream: AsyncIterable<ModelEvent>, onEvent?: (e: ModelEvent) => void): Promise<Collected> {
  const out: Collected = { events: [], reasoning: '', answer: '', usage: undefined, retries: [], warnings: [], finish: undefined, error: undefined };
  try {
    for await (const event of stream) {
      out.events.push(event);
      onEvent?.(event);
      if (event.type === 'reasoning-delta') out.reasoning += event.text;
      else if (event.type === 'answer-delta') out.answer += event.text;
      else if (event.type === 'usage') out.usage = event.usage;
      else if (event.type === 'retry') out.retries.push(event);
      else if (event.type === 'warning') out.warnings.push(event.message);
      else out.finish = event.reason;
    }
  } catch (err) {
    out.error = err;
  }
  return out;
}

/** The collected error, checked to be a ModelError of this kind. */
export function modelErrorOf(collected: Collected, kind: ModelErrorKind): ModelError {
  const { error } = collected;
  assert.ok(isModelError(error), `expected a ModelError, got ${String(error)}`);
  assert.equal(error.kind, kind, `kind ${error.kind}: ${error.message}`);
  assert.ok(!error.message.includes(TEST_API_KEY), 'the API key leaked into the message');
  return error;
}

/** The key appears in no request except in the named auth header. */
export function assertKeyOnlyIn(server: ModelServer, header: string, expected: string): void {
  for (const request of server.requests) {
    assert.equal(request.headers[header], expected);
    assert.ok(!request.rawBody.includes(TEST_API_KEY), 'the API key is in the request body');
    assert.ok(!request.path.includes(TEST_API_KEY), 'the API key is in the URL');
    for (const [name, value] of Object.entries(request.headers)) {
      if (name !== header) assert.ok(!String(value).includes(TEST_API_KEY), `the API key is in header ${name}`);
    }
  }
}
