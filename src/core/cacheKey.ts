// The analysis cache key: everything that can change the answer, nothing that cannot.
import { hashValue } from './contentHash';
import type { ModelSpec } from './modelClient';
import { contextHash } from './context/contextPiece';
import type { ReviewRequest } from './request';

/** `context` is the hash of the context sent with the request (undefined: none, the key is as before). */
export function analysisCacheKey(request: ReviewRequest, spec: ModelSpec, promptVersion: string, context: string | undefined = contextHash(request.context, request.change)): string {
  const t = request.target;
  return hashValue({
    v: 1,
    kind: request.kind,
    instruction: request.instruction?.trim() ?? '',
    target: {
      type: t.type,
      filePath: t.filePath,
      languageId: t.languageId,
      startLine: t.startLine,
      endLine: t.endLine,
      code: t.code,
      contextBefore: t.contextBefore,
      contextAfter: t.contextAfter,
      diagnostics: t.type === 'diagnostics' ? t.diagnostics : [],
    },
    model: { provider: spec.provider, model: spec.model, baseUrl: spec.baseUrl ?? '' },
    reasoning: spec.reasoning ? { effort: spec.effort, maxThinkingTokens: spec.maxThinkingTokens } : null,
    maxAnswerTokens: spec.maxAnswerTokens,
    promptVersion,
    context,
  });
}
