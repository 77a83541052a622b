// Which provider and model a review goes to now: the configured provider, or for `auto` the
// first VS Code language model if there is one. Owns that state (nothing else mutates it) and
// builds the engine's settings and model clients from it.
import * as vscode from 'vscode';
import type { ModelClient, ModelSpec, ProviderId } from '../core/modelClient';
import { ModelError } from '../core/modelError';
import { PROVIDER_CATALOG, PROVIDER_IDS } from '../core/providers/catalog';
import type * as ProviderFactory from '../core/providers/providerFactory';
import type { EngineSettings } from '../core/reviewEngine';
import type { ApiKeys } from './apiKeys';
import { LanguageModelClient, selectLanguageModel } from './languageModelClient';
import { engineSettingsFor, type DeepReviewSettings } from './settings';

// The provider adapters are a separate bundle loaded on the first model call, so activation
// stays light (see esbuild.mjs).
let providerFactory: typeof ProviderFactory | undefined;
function loadProviderFactory(): typeof ProviderFactory {
  providerFactory ??= require('./providers.js') as typeof ProviderFactory;
  return providerFactory;
}

const CHOOSE_PROVIDER = 'Choose Provider & Models';

export class ProviderResolver {
  // `auto` plans for VS Code's own models until the first run resolves it.
  private autoProvider: ProviderId = 'vscode-lm';
  private languageModelId = '';

  constructor(
    private readonly settings: () => DeepReviewSettings,
    private readonly keys: ApiKeys,
  ) {}

  /** The provider reviews go to now (before `auto` is resolved: VS Code's models). */
  get provider(): ProviderId {
    const configured = this.settings().provider;
    return configured === 'auto' ? this.autoProvider : configured;
  }

  engineSettings(): EngineSettings {
    return engineSettingsFor(this.settings(), this.provider, this.languageModelId);
  }

  /** The client for one call; refuses, before any request, a provider that needs a missing key. */
  clientFor(spec: ModelSpec): ModelClient {
    if (spec.provider === 'vscode-lm') return new LanguageModelClient();
    const apiKey = this.keys.peek(spec.provider);
    const facts = PROVIDER_CATALOG[spec.provider];
    if (apiKey === undefined && facts.needsKey) throw new ModelError('auth', `No API key is set for ${facts.label}. Run “Deep Review: Set API Key”.`);
    return loadProviderFactory().createModelClient({ provider: spec.provider, apiKey, baseUrl: spec.baseUrl, idleTimeoutMs: this.settings().idleTimeoutMs, requestTimeoutMs: this.settings().requestTimeoutMs });
  }

  /** Resolves the provider for a run; undefined after telling the user what to do instead. */
  async resolve(): Promise<ProviderId | undefined> {
    const configured = this.settings().provider;
    if (configured !== 'auto' && configured !== 'vscode-lm') return configured;
    const lm = await selectLanguageModel('');
    if (lm) {
      this.languageModelId = lm.id;
      this.autoProvider = 'vscode-lm';
      return 'vscode-lm';
    }
    if (configured === 'vscode-lm') {
      void vscode.window
        .showErrorMessage('Deep Review: no VS Code language model is available. Sign in to a model provider (for example GitHub Copilot) or choose another provider.', CHOOSE_PROVIDER)
        .then((c) => c && vscode.commands.executeCommand('deepReview.chooseProvider'));
      return undefined;
    }
    const labels = PROVIDER_IDS.filter((p) => p !== 'vscode-lm').map((p) => PROVIDER_CATALOG[p].label);
    const choice = await vscode.window.showInformationMessage(
      `Deep Review needs a model to send reviews to. Choose a provider (${labels.join(', ')}) or sign in to a VS Code language model provider such as GitHub Copilot.`,
      CHOOSE_PROVIDER,
      'Open Walkthrough',
    );
    if (choice === CHOOSE_PROVIDER) await vscode.commands.executeCommand('deepReview.chooseProvider');
    if (choice === 'Open Walkthrough') await vscode.commands.executeCommand('workbench.action.openWalkthrough', 'deep-review.deep-review#deepReview.gettingStarted', false);
    return undefined;
  }
}
