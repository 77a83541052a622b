// What the engine is given (settings, dependencies) and what planning decides (the plan), apart
// from the engine itself so the layers that only pass these around need not load it.
import type { CachedAnalysis } from './cache/analysisCache';
import type { BudgetDecision, BudgetHints, BudgetLimits } from './cost/budget';
import type { PriceOverrides } from './cost/prices';
import type { SubmitResult } from './jobs/jobManager';
import type { ModelClient, ModelSpec } from './modelClient';
import { ModelError } from './modelError';
import type { BuiltPrompt } from './prompts/prompts';
import type { ReviewRequest } from './requests/request';
import type { ComplexityAssessment } from './routing/complexity';
import type { RouteDecision, RoutingConfig } from './routing/router';
import type { ListableTextStore } from './storage';
import type { WarningSink } from './warnings';

export interface EngineSettings {
  routing: RoutingConfig;
  budget: BudgetLimits;
  priceOverrides: PriceOverrides;
  concurrency: number;
  cacheMaxBytes: number;
  redactSecrets: boolean;
  /** How budget messages name the knobs (VS Code settings by default; the CLI names its flags). */
  budgetHints?: BudgetHints;
  /** Larger files (what would be sent) are refused before planning; default DEFAULT_MAX_FILE_BYTES. */
  maxFileBytes?: number;
  /** The setting or flag that raises maxFileBytes, named in the refusal ("--max-file-bytes"). */
  maxFileBytesName?: string;
}

export interface EngineDeps {
  store: ListableTextStore;
  /** The client for a model; throws ModelError('config' | 'auth') when it cannot be built. */
  clientFor(spec: ModelSpec): ModelClient;
  settings(): EngineSettings;
  warn: WarningSink;
  now?: () => number;
}

/** Everything decided about a request before anything is sent or paid. */
export interface ReviewPlan {
  request: ReviewRequest;
  complexity: ComplexityAssessment;
  route: RouteDecision;
  prompt: BuiltPrompt;
  cacheKey: string;
  fileHash: string;
  budget: BudgetDecision;
  cached: CachedAnalysis | undefined;
  /** Notices for the user made while planning (secrets redacted, and so on). */
  notices: string[];
  parentJobId?: string;
}

export interface StartResult extends SubmitResult {
  fromCache: boolean;
}

export class BudgetRefusedError extends ModelError {
  constructor(message: string) {
    super('budget', message);
  }
}
