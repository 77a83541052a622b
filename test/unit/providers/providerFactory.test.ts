import * as assert from 'node:assert/strict';
import { isModelError } from '../../../src/core/modelError';
import { createModelClient } from '../../../src/core/providers/providerFactory';
import { collect, testCall, testSpec } from './providerTestKit';

function configError(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    assert.ok(isModelError(err));
    assert.equal(err.kind, 'config');
    return err.message;
  }
  assert.fail('expected a config error');
}

describe('provider factory', () => {
  it('has no HTTP client for the VS Code Language Model API', () => {
    assert.match(configError(() => createModelClient({ provider: 'vscode-lm' })), /vscode-lm client/);
  });

  it('rejects a malformed base URL and a non-positive idle timeout up front', () => {
    assert.match(configError(() => createModelClient({ provider: 'openai', baseUrl: 'api.openai.com/v1' })), /is not a URL/);
    assert.match(configError(() => createModelClient({ provider: 'openai', baseUrl: 'ftp://x' })), /must start with http/);
    assert.match(configError(() => createModelClient({ provider: 'ollama', idleTimeoutMs: 0 })), /idle timeout/);
  });

  it('refuses a spec for another provider', async () => {
    const client = createModelClient({ provider: 'anthropic', apiKey: 'k' });
    const out = await collect(client.stream(testCall(testSpec('openai', 'gpt-5'))));
    assert.ok(isModelError(out.error));
    assert.equal(out.error.kind, 'config');
  });
});
