// "Choose Provider & Models" (provider, server URL where one is needed, a model per tier, effort,
// thinking limit) and Set / Clear API Key. Settings go to the user (global) scope: a workspace
// must not decide where code and keys are sent. Every input stays open when focus moves (the
// walkthrough opens this flow beside its own page). What is asked and written: providerSetupPlan.
import * as vscode from 'vscode';
import { PROVIDER_CATALOG, PROVIDER_IDS, PROVIDERS_WITH_KEYS, isProviderId, type ProviderId } from '../core/providers/catalog';
import type { ModelTier, ReasoningEffort } from '../core/requests/request';
import type { ApiKeys } from './apiKeys';
import { keyPrompt, setupSettings, setupSteps, startingValue, stepTitle, type CurrentSetup } from './providerSetupPlan';

const label = (p: ProviderId) => PROVIDER_CATALOG[p].label;

export async function setApiKey(keys: ApiKeys, arg?: unknown): Promise<boolean> {
  const given = typeof arg === 'object' && arg !== null ? (arg as { provider?: unknown; key?: unknown }) : {};
  let provider = isProviderId(given.provider) ? given.provider : undefined;
  if (!provider) {
    const configured = vscode.workspace.getConfiguration('deepReview').get<string>('provider');
    const pick = await vscode.window.showQuickPick(
      PROVIDERS_WITH_KEYS.map((p) => ({ label: label(p), description: p === configured ? 'current provider' : undefined, id: p })),
      { placeHolder: 'Set the API key for which provider?', ignoreFocusOut: true },
    );
    provider = pick?.id;
  }
  if (!provider || PROVIDER_CATALOG[provider].keyEnvVar === undefined) return false;
  const optional = !PROVIDER_CATALOG[provider].needsKey;
  // Programmatic callers (tests, automation) may pass the key; people type it in a password box.
  const key =
    typeof given.key === 'string'
      ? given.key
      : await vscode.window.showInputBox({
          title: `${label(provider)} API key`,
          prompt: keyPrompt(provider),
          password: true,
          ignoreFocusOut: true,
          validateInput: (v) => (v.trim().length === 0 && !optional ? 'Enter a key, or press Escape.' : /\s/.test(v.trim()) ? 'A key has no spaces.' : undefined),
        });
  if (key === undefined) return false;
  await keys.set(provider, key);
  void vscode.window.setStatusBarMessage(`$(key) Deep Review: ${label(provider)} key saved`, 3000);
  return true;
}

export async function clearApiKey(keys: ApiKeys, arg?: unknown): Promise<void> {
  const given = typeof arg === 'object' && arg !== null ? (arg as { provider?: unknown }) : {};
  let provider = isProviderId(given.provider) ? given.provider : undefined;
  if (!provider) {
    const withKeys: ProviderId[] = [];
    for (const p of PROVIDERS_WITH_KEYS) if (await keys.get(p)) withKeys.push(p);
    if (withKeys.length === 0) {
      void vscode.window.showInformationMessage('Deep Review: no API keys are stored.');
      return;
    }
    provider = (await vscode.window.showQuickPick(withKeys.map((p) => ({ label: label(p), id: p })), { placeHolder: 'Clear the API key of which provider?', ignoreFocusOut: true }))?.id;
  }
  if (!provider) return;
  await keys.clear(provider);
  void vscode.window.setStatusBarMessage(`$(trash) Deep Review: ${label(provider)} key removed`, 3000);
}

const TIER_PROMPT: Record<ModelTier, string> = {
  fast: 'Model for simple requests.',
  capable: 'Model for medium requests, and the quick answer when you cannot wait.',
  reasoning: 'Model for complex requests (thinks before answering).',
};

export async function chooseProviderAndModels(keys: ApiKeys): Promise<void> {
  const config = vscode.workspace.getConfiguration('deepReview');
  const current: CurrentSetup = {
    provider: config.get<string>('provider'),
    baseUrl: config.get<string>('baseUrl'),
    models: { fast: config.get<string>('models.fast'), capable: config.get<string>('models.capable'), reasoning: config.get<string>('models.reasoning') },
  };
  const lmModels = await vscode.lm.selectChatModels().then(
    (m) => m,
    () => [],
  );
  const picked = await vscode.window.showQuickPick(
    PROVIDER_IDS.map((p) => ({
      label: label(p),
      detail: PROVIDER_CATALOG[p].description,
      description: p === 'vscode-lm' ? (lmModels.length ? `${lmModels.length} model(s) available` : 'none available') : p === current.provider ? 'current' : undefined,
      id: p,
    })),
    { title: 'Deep Review: provider (1/…)', placeHolder: 'Where should reviews be sent?', ignoreFocusOut: true },
  );
  if (!picked) return;
  const p = picked.id;
  const steps = setupSteps(p);
  const models: Record<ModelTier, string> = { fast: '', capable: '', reasoning: '' };
  let baseUrl: string | undefined;
  let effort: ReasoningEffort = 'medium';
  let maxThinkingTokens = 0;
  for (const [i, step] of steps.entries()) {
    if (step.kind === 'baseUrl') {
      const example = PROVIDER_CATALOG[p].baseUrlExample;
      baseUrl = await vscode.window.showInputBox({ title: stepTitle('server URL', i, steps), prompt: `${label(p)} API base${example ? `, e.g. ${example}` : ''}`, value: startingValue(step, p, current), ignoreFocusOut: true });
      if (baseUrl === undefined) return;
    } else if (step.kind === 'model') {
      const title = stepTitle(`${step.tier} model`, i, steps);
      const value =
        p === 'vscode-lm' && lmModels.length
          ? (await vscode.window.showQuickPick(lmModels.map((m) => ({ label: m.name, description: `${m.vendor} · ${m.family}`, id: m.id })), { title, ignoreFocusOut: true }))?.id
          : await vscode.window.showInputBox({ title, prompt: TIER_PROMPT[step.tier], value: startingValue(step, p, current), placeHolder: PROVIDER_CATALOG[p].defaultModels[step.tier] || 'model id', ignoreFocusOut: true });
      if (value === undefined) return;
      models[step.tier] = value;
    } else if (step.kind === 'effort') {
      const choice = await vscode.window.showQuickPick(
        [
          { label: 'low', description: 'quicker, cheaper thinking' },
          { label: 'medium', description: 'balanced (default)' },
          { label: 'high', description: 'deepest analysis, slowest' },
        ] as const,
        { title: stepTitle('reasoning effort', i, steps), ignoreFocusOut: true },
      );
      if (!choice) return;
      effort = choice.label;
    } else {
      const limit = await vscode.window.showInputBox({
        title: stepTitle('maximum thinking tokens', i, steps),
        prompt: 'Upper bound per request; thinking is billed as output. 0 turns thinking off.',
        value: String(config.get<number>('reasoning.maxThinkingTokens') ?? 8192),
        ignoreFocusOut: true,
        validateInput: (v) => (/^\d+$/.test(v.trim()) && Number(v) <= 128000 ? (p === 'anthropic' && Number(v) > 0 && Number(v) < 1024 ? `${label(p)} needs at least 1024 (or 0 for no thinking).` : undefined) : 'A whole number from 0 to 128000.'),
      });
      if (limit === undefined) return;
      maxThinkingTokens = Number(limit.trim());
    }
  }
  const global = vscode.ConfigurationTarget.Global;
  for (const [key, value] of Object.entries(setupSettings(p, { baseUrl, models, effort, maxThinkingTokens }))) await config.update(key, value, global);
  if (PROVIDER_CATALOG[p].needsKey && !(await keys.get(p))) await setApiKey(keys, { provider: p });
  void vscode.window.showInformationMessage(`Deep Review will use ${label(p)}.`);
}
