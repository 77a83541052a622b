// "Choose Provider & Models" (quick picks for provider, models per tier, effort and thinking
// limit) and Set / Clear API Key. Settings go to the user (global) scope: a workspace must not
// decide where code and keys are sent.
import * as vscode from 'vscode';
import { DEFAULT_MODELS } from '../core/modelSettings';
import { PROVIDER_IDS, type ProviderId } from '../core/modelClient';
import { ApiKeys, PROVIDER_LABELS, PROVIDERS_WITH_KEYS, needsKey } from './apiKeys';

const KEY_HINTS: Partial<Record<ProviderId, string>> = {
  openai: 'sk-…  (platform.openai.com → API keys)',
  anthropic: 'sk-ant-…  (console.anthropic.com → API keys)',
  deepseek: 'sk-…  (platform.deepseek.com → API keys)',
  openrouter: 'sk-or-…  (openrouter.ai → Keys)',
  'openai-compatible': 'the key your server expects (leave empty if none)',
};

function isProvider(v: unknown): v is ProviderId {
  return typeof v === 'string' && (PROVIDER_IDS as readonly string[]).includes(v);
}

export async function setApiKey(keys: ApiKeys, arg?: unknown): Promise<boolean> {
  const given = typeof arg === 'object' && arg !== null ? (arg as { provider?: unknown; key?: unknown }) : {};
  let provider = isProvider(given.provider) ? given.provider : undefined;
  if (!provider) {
    const configured = vscode.workspace.getConfiguration('deepReview').get<string>('provider');
    const pick = await vscode.window.showQuickPick(
      PROVIDERS_WITH_KEYS.map((p) => ({ label: PROVIDER_LABELS[p], description: p === configured ? 'current provider' : undefined, id: p })),
      { placeHolder: 'Set the API key for which provider?' },
    );
    provider = pick?.id;
  }
  if (!provider || !needsKey(provider)) return false;
  // Programmatic callers (tests, automation) may pass the key; people type it in a password box.
  const key =
    typeof given.key === 'string'
      ? given.key
      : await vscode.window.showInputBox({
          title: `${PROVIDER_LABELS[provider]} API key`,
          prompt: `Stored in VS Code's secret storage only. ${KEY_HINTS[provider] ?? ''}`,
          password: true,
          ignoreFocusOut: true,
          validateInput: (v) => (v.trim().length === 0 && provider !== 'openai-compatible' ? 'Enter a key, or press Escape.' : /\s/.test(v.trim()) ? 'A key has no spaces.' : undefined),
        });
  if (key === undefined) return false;
  await keys.set(provider, key);
  void vscode.window.setStatusBarMessage(`$(key) Deep Review: ${PROVIDER_LABELS[provider]} key saved`, 3000);
  return true;
}

export async function clearApiKey(keys: ApiKeys, arg?: unknown): Promise<void> {
  const given = typeof arg === 'object' && arg !== null ? (arg as { provider?: unknown }) : {};
  let provider = isProvider(given.provider) ? given.provider : undefined;
  if (!provider) {
    const withKeys: ProviderId[] = [];
    for (const p of PROVIDERS_WITH_KEYS) if (await keys.get(p)) withKeys.push(p);
    if (withKeys.length === 0) {
      void vscode.window.showInformationMessage('Deep Review: no API keys are stored.');
      return;
    }
    provider = (await vscode.window.showQuickPick(withKeys.map((p) => ({ label: PROVIDER_LABELS[p], id: p })), { placeHolder: 'Clear the API key of which provider?' }))?.id;
  }
  if (!provider) return;
  await keys.clear(provider);
  void vscode.window.setStatusBarMessage(`$(trash) Deep Review: ${PROVIDER_LABELS[provider]} key removed`, 3000);
}

export async function chooseProviderAndModels(keys: ApiKeys): Promise<void> {
  const config = vscode.workspace.getConfiguration('deepReview');
  const lmModels = await vscode.lm.selectChatModels().then(
    (m) => m,
    () => [],
  );
  const provider = await vscode.window.showQuickPick(
    PROVIDER_IDS.map((p) => ({
      label: PROVIDER_LABELS[p],
      description: p === 'vscode-lm' ? (lmModels.length ? `${lmModels.length} model(s) available` : 'none available') : p === config.get('provider') ? 'current' : undefined,
      id: p,
    })),
    { title: 'Deep Review: provider (1/4)', placeHolder: 'Where should reviews be sent?' },
  );
  if (!provider) return;
  const p = provider.id;
  const models: Record<'fast' | 'capable' | 'reasoning', string> = { fast: '', capable: '', reasoning: '' };
  let step = 2;
  for (const tier of ['fast', 'capable', 'reasoning'] as const) {
    const suggestion = p === 'vscode-lm' ? '' : DEFAULT_MODELS[p][tier];
    let value: string | undefined;
    if (p === 'vscode-lm' && lmModels.length) {
      value = (await vscode.window.showQuickPick(lmModels.map((m) => ({ label: m.name, description: `${m.vendor} · ${m.family}`, id: m.id })), { title: `Deep Review: ${tier} model (${step}/4)` }))?.id;
    } else {
      value = await vscode.window.showInputBox({
        title: `Deep Review: ${tier} model (${step}/4)`,
        prompt: tier === 'reasoning' ? 'Model for complex requests (thinks before answering).' : tier === 'capable' ? 'Model for medium requests, and the quick answer when you cannot wait.' : 'Model for simple requests.',
        value: config.get<string>(`models.${tier}`) || suggestion,
        placeHolder: suggestion || 'model id',
        ignoreFocusOut: true,
      });
    }
    if (value === undefined) return;
    models[tier] = value.trim() === suggestion ? '' : value.trim();
    step++;
  }
  const effort = await vscode.window.showQuickPick(
    [
      { label: 'low', description: 'quicker, cheaper thinking' },
      { label: 'medium', description: 'balanced (default)' },
      { label: 'high', description: 'deepest analysis, slowest' },
    ],
    { title: 'Deep Review: reasoning effort (4/4)' },
  );
  if (!effort) return;
  const limit = await vscode.window.showInputBox({
    title: 'Deep Review: maximum thinking tokens',
    prompt: 'Upper bound per request; thinking is billed as output. 0 turns thinking off.',
    value: String(config.get<number>('reasoning.maxThinkingTokens') ?? 8192),
    validateInput: (v) => (/^\d+$/.test(v.trim()) && Number(v) <= 128000 ? (p === 'anthropic' && Number(v) > 0 && Number(v) < 1024 ? 'Anthropic needs at least 1024 (or 0 for no thinking).' : undefined) : 'A whole number from 0 to 128000.'),
  });
  if (limit === undefined) return;
  const global = vscode.ConfigurationTarget.Global;
  await config.update('provider', p, global);
  for (const tier of ['fast', 'capable', 'reasoning'] as const) await config.update(`models.${tier}`, models[tier], global);
  await config.update('reasoning.effort', effort.label, global);
  await config.update('reasoning.maxThinkingTokens', Number(limit.trim()), global);
  if (p === 'openai-compatible' || p === 'ollama') {
    const base = await vscode.window.showInputBox({
      title: 'Deep Review: server URL',
      prompt: p === 'ollama' ? 'Ollama API base (default http://localhost:11434/api)' : 'OpenAI-compatible API base, e.g. http://localhost:1234/v1',
      value: config.get<string>('baseUrl') || (p === 'ollama' ? 'http://localhost:11434/api' : 'http://localhost:1234/v1'),
    });
    if (base !== undefined) await config.update('baseUrl', base.trim(), global);
  }
  if (needsKey(p) && !(await keys.get(p)) && p !== 'openai-compatible') await setApiKey(keys, { provider: p });
  void vscode.window.showInformationMessage(`Deep Review will use ${PROVIDER_LABELS[p]}.`);
}
