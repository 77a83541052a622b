// The manifest's provider setting is the catalog's list: every provider the code knows can be
// chosen in VS Code, nothing else can, and each is described with the catalog's words.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PROVIDER_CATALOG, PROVIDER_IDS } from '../../../src/core/providers/catalog';
import { PROVIDER_ADAPTERS } from '../../../src/core/providers/providerAdapters';

interface ProviderSetting {
  enum: string[];
  enumDescriptions: string[];
}

function providerSetting(): ProviderSetting {
  const manifest = JSON.parse(readFileSync(join(resolve(__dirname, '..', '..', '..', '..'), 'package.json'), 'utf8')) as {
    contributes: { configuration: { properties: Record<string, ProviderSetting> } | { properties: Record<string, ProviderSetting> }[] };
  };
  const sections = Array.isArray(manifest.contributes.configuration) ? manifest.contributes.configuration : [manifest.contributes.configuration];
  const setting = sections.map((s) => s.properties['deepReview.provider']).find((p) => p !== undefined);
  assert.ok(setting, 'deepReview.provider is not in package.json');
  return setting;
}

describe('the manifest and the provider catalog', () => {
  it('offers exactly the catalog’s providers (plus auto) in deepReview.provider', () => {
    const { enum: ids } = providerSetting();
    assert.equal(ids[0], 'auto');
    assert.deepEqual([...ids.slice(1)].sort(), [...PROVIDER_IDS].sort());
    assert.equal(new Set(ids).size, ids.length, 'no provider twice');
  });

  it('describes each provider with the catalog’s description', () => {
    const setting = providerSetting();
    assert.equal(setting.enumDescriptions.length, setting.enum.length);
    setting.enum.forEach((id, i) => {
      if (id === 'auto') return;
      assert.equal(setting.enumDescriptions[i], PROVIDER_CATALOG[id as keyof typeof PROVIDER_CATALOG].description, id);
    });
  });

  it('has an HTTP adapter for every provider but vscode-lm, reading the catalog’s facts', () => {
    for (const id of PROVIDER_IDS) {
      if (id === 'vscode-lm') continue;
      const adapter = PROVIDER_ADAPTERS[id];
      assert.equal(adapter.facts, PROVIDER_CATALOG[id], id);
      assert.equal(adapter.wire, PROVIDER_CATALOG[id].wireFormat, id);
    }
  });
});
