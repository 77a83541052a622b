// The provider catalog: every fact about a provider, stated once. Adapters, settings, key
// handling, provider set-up, the CLI and its help read it; a test checks the manifest's enum
// against it. SDK-free: no imports beyond types.
import type { ModelTier } from '../requests/request';

/** How requests are written and streams read for a provider (one transport mapper each). */
export type WireFormat = 'anthropic-messages' | 'openai-responses' | 'chat-completions' | 'ollama-native' | 'vscode-lm';

export interface ProviderFacts {
  /** Shown to users, e.g. "Anthropic". */
  readonly label: string;
  /** One line for the provider picker and the manifest's enumDescriptions. */
  readonly description: string;
  /** Environment variable the CLI and workers read the key from (undefined: no key at all). */
  readonly keyEnvVar: string | undefined;
  /** Whether a call cannot be made without a key (false: a key is optional or not used). */
  readonly needsKey: boolean;
  /** What the key looks like and where to get one, for the key prompt. */
  readonly keyHint: string | undefined;
  /** API base used when the user gives none (undefined: the user must give one). */
  readonly defaultBaseUrl: string | undefined;
  /** Example shown when asking for a base URL. */
  readonly baseUrlExample: string | undefined;
  /** Sensible models per tier ('' = the user must choose). */
  readonly defaultModels: Readonly<Record<ModelTier, string>>;
  readonly wireFormat: WireFormat;
  readonly capabilities: {
    /** Reasoning may arrive inline as <think>…</think> in the answer (local servers). */
    readonly inlineThinkTags: boolean;
    /** The provider reports its own cost per request (OpenRouter `usage.cost`). */
    readonly reportsCost: boolean;
    /** The provider offers a batch API at a discount. */
    readonly batch: boolean;
    /** The user may point it at another server (base URL setting applies). */
    readonly customBaseUrl: boolean;
    /** Chat Completions only: the server takes `reasoning_effort` (some reject the field outright). */
    readonly reasoningEffort: boolean;
  };
}

export const PROVIDER_CATALOG = {
  openai: {
    label: 'OpenAI',
    description: 'OpenAI, through the Responses API so reasoning summaries stream.',
    keyEnvVar: 'OPENAI_API_KEY',
    needsKey: true,
    keyHint: 'sk-…  (platform.openai.com → API keys)',
    defaultBaseUrl: 'https://api.openai.com/v1',
    baseUrlExample: 'https://api.openai.com/v1',
    defaultModels: { fast: 'gpt-5-mini', capable: 'gpt-5', reasoning: 'gpt-5' },
    wireFormat: 'openai-responses',
    capabilities: { inlineThinkTags: false, reportsCost: false, batch: true, customBaseUrl: true, reasoningEffort: true },
  },
  anthropic: {
    label: 'Anthropic',
    description: 'Anthropic Claude with extended thinking.',
    keyEnvVar: 'ANTHROPIC_API_KEY',
    needsKey: true,
    keyHint: 'sk-ant-…  (console.anthropic.com → API keys)',
    defaultBaseUrl: 'https://api.anthropic.com/v1',
    baseUrlExample: 'https://api.anthropic.com/v1',
    defaultModels: { fast: 'claude-haiku-4-5', capable: 'claude-sonnet-4-5', reasoning: 'claude-sonnet-4-5' },
    wireFormat: 'anthropic-messages',
    capabilities: { inlineThinkTags: false, reportsCost: false, batch: true, customBaseUrl: true, reasoningEffort: true },
  },
  deepseek: {
    label: 'DeepSeek',
    description: 'DeepSeek (thinking mode, `reasoning_content`).',
    keyEnvVar: 'DEEPSEEK_API_KEY',
    needsKey: true,
    keyHint: 'sk-…  (platform.deepseek.com → API keys)',
    defaultBaseUrl: 'https://api.deepseek.com',
    baseUrlExample: 'https://api.deepseek.com',
    defaultModels: { fast: 'deepseek-chat', capable: 'deepseek-chat', reasoning: 'deepseek-reasoner' },
    wireFormat: 'chat-completions',
    capabilities: { inlineThinkTags: false, reportsCost: false, batch: false, customBaseUrl: true, reasoningEffort: true },
  },
  openrouter: {
    label: 'OpenRouter',
    description: 'OpenRouter (any model; reports its own cost).',
    keyEnvVar: 'OPENROUTER_API_KEY',
    needsKey: true,
    keyHint: 'sk-or-…  (openrouter.ai → Keys)',
    defaultBaseUrl: 'https://openrouter.ai/api/v1',
    baseUrlExample: 'https://openrouter.ai/api/v1',
    defaultModels: { fast: 'openai/gpt-5-mini', capable: 'anthropic/claude-sonnet-4.5', reasoning: 'anthropic/claude-sonnet-4.5' },
    wireFormat: 'chat-completions',
    capabilities: { inlineThinkTags: false, reportsCost: true, batch: false, customBaseUrl: true, reasoningEffort: true },
  },
  ollama: {
    label: 'Ollama (local)',
    description: 'A local Ollama server (`think`).',
    keyEnvVar: undefined,
    needsKey: false,
    keyHint: undefined,
    defaultBaseUrl: 'http://127.0.0.1:11434/api',
    baseUrlExample: 'http://127.0.0.1:11434/api',
    defaultModels: { fast: 'qwen3:4b', capable: 'qwen3:8b', reasoning: 'qwen3:8b' },
    wireFormat: 'ollama-native',
    capabilities: { inlineThinkTags: true, reportsCost: false, batch: false, customBaseUrl: true, reasoningEffort: true },
  },
  'openai-compatible': {
    label: 'OpenAI-compatible server',
    description: 'Any OpenAI-compatible server: LM Studio, vLLM, llama.cpp.',
    keyEnvVar: 'OPENAI_COMPATIBLE_API_KEY',
    needsKey: false,
    keyHint: 'The key your server expects (leave empty if none).',
    defaultBaseUrl: undefined,
    baseUrlExample: 'http://localhost:1234/v1',
    defaultModels: { fast: '', capable: '', reasoning: '' },
    wireFormat: 'chat-completions',
    capabilities: { inlineThinkTags: true, reportsCost: false, batch: false, customBaseUrl: true, reasoningEffort: true },
  },
  xai: {
    label: 'xAI',
    description: 'xAI Grok models (OpenAI-compatible chat; reasoning counted outside completion tokens).',
    keyEnvVar: 'XAI_API_KEY',
    needsKey: true,
    keyHint: 'xai-…  (console.x.ai → API keys)',
    defaultBaseUrl: 'https://api.x.ai/v1',
    baseUrlExample: 'https://api.x.ai/v1',
    defaultModels: { fast: 'grok-code-fast-1', capable: 'grok-4', reasoning: 'grok-4' },
    wireFormat: 'chat-completions',
    // Grok 4 rejects `reasoning_effort`; it always reasons.
    capabilities: { inlineThinkTags: false, reportsCost: false, batch: false, customBaseUrl: true, reasoningEffort: false },
  },
  'vscode-lm': {
    label: 'VS Code Language Models',
    description: "Models offered by VS Code's Language Model API (for example GitHub Copilot).",
    keyEnvVar: undefined,
    needsKey: false,
    keyHint: undefined,
    defaultBaseUrl: undefined,
    baseUrlExample: undefined,
    defaultModels: { fast: '', capable: '', reasoning: '' },
    wireFormat: 'vscode-lm',
    capabilities: { inlineThinkTags: false, reportsCost: false, batch: false, customBaseUrl: false, reasoningEffort: false },
  },
} as const satisfies Record<string, ProviderFacts>;

export type ProviderId = keyof typeof PROVIDER_CATALOG;
/** Non-empty tuple so zod's enum takes it. */
export const PROVIDER_IDS = Object.keys(PROVIDER_CATALOG) as [ProviderId, ...ProviderId[]];

export function providerFacts(id: ProviderId): ProviderFacts {
  return PROVIDER_CATALOG[id];
}

export function isProviderId(v: unknown): v is ProviderId {
  return typeof v === 'string' && Object.prototype.hasOwnProperty.call(PROVIDER_CATALOG, v);
}

/** Providers whose key is stored (SecretStorage) or read from the environment. */
export const PROVIDERS_WITH_KEYS = PROVIDER_IDS.filter((p) => PROVIDER_CATALOG[p].keyEnvVar !== undefined);

/** The providers the CLI picks from when none is named, in order, by which key is set. */
export const KEYED_PROVIDER_ORDER: readonly ProviderId[] = ['anthropic', 'openai', 'deepseek', 'openrouter', 'xai'];
