// The VS Code Language Model API as a ModelClient. Only the stable API is used: no thinking
// parts (a proposed API), so reasoning from these models is not shown; usage is estimated with
// countTokens because the API reports none.
import * as vscode from 'vscode';
import type { ModelCall, ModelClient, ModelEvent } from '../core/modelClient';
import { ModelError } from '../core/modelError';

/** Picks a chat model: the configured id or family if given, else the first available. */
export async function selectLanguageModel(preferred: string): Promise<vscode.LanguageModelChat | undefined> {
  const all = await vscode.lm.selectChatModels();
  if (all.length === 0) return undefined;
  if (preferred) {
    const exact = all.find((m) => m.id === preferred) ?? all.find((m) => m.family === preferred) ?? all.find((m) => m.name === preferred);
    if (exact) return exact;
  }
  return all[0];
}

export class LanguageModelClient implements ModelClient {
  async *stream(call: ModelCall): AsyncIterable<ModelEvent> {
    const model = await selectLanguageModel(call.spec.model);
    if (!model) throw new ModelError('config', 'No VS Code language model is available. Install and sign in to a model provider (for example GitHub Copilot), or run “Deep Review: Choose Provider & Models” to use an API provider.');
    const cts = new vscode.CancellationTokenSource();
    const onAbort = () => cts.cancel();
    call.signal.addEventListener('abort', onAbort);
    const text = [call.system, ...(call.prefix ?? []), call.prompt].join('\n\n');
    const messages = [vscode.LanguageModelChatMessage.User(text)];
    let answer = '';
    try {
      const inputTokens = await model.countTokens(messages[0]!, cts.token).then(
        (n) => n,
        () => Math.ceil(text.length / 4),
      );
      const response = await model.sendRequest(messages, { justification: 'Deep Review sends the code you selected for review.' }, cts.token);
      for await (const part of response.stream) {
        if (part instanceof vscode.LanguageModelTextPart && part.value) {
          answer += part.value;
          yield { type: 'answer-delta', text: part.value };
        }
      }
      if (call.signal.aborted || cts.token.isCancellationRequested) throw new ModelError('cancelled', 'Cancelled.');
      const outputTokens = await model.countTokens(answer, cts.token).then(
        (n) => n,
        () => Math.ceil(answer.length / 4),
      );
      yield { type: 'usage', usage: { inputTokens, cachedInputTokens: 0, outputTokens, reasoningTokens: 0, estimated: true } };
      yield { type: 'finish', reason: 'stop' };
    } catch (err) {
      if (call.signal.aborted || (err instanceof ModelError && err.kind === 'cancelled')) throw new ModelError('cancelled', 'Cancelled.');
      throw mapLanguageModelError(err, model.name);
    } finally {
      call.signal.removeEventListener('abort', onAbort);
      cts.dispose();
    }
  }
}

export function mapLanguageModelError(err: unknown, modelName: string): ModelError {
  if (err instanceof vscode.LanguageModelError) {
    switch (err.code) {
      case vscode.LanguageModelError.NoPermissions.name:
        return new ModelError('permission', `Deep Review is not allowed to use ${modelName}. Allow it when VS Code asks, or manage access in the Accounts menu (Manage Language Model Access).`, { cause: err });
      case vscode.LanguageModelError.Blocked.name:
        return new ModelError('rate-limit', `${modelName} refused the request: the quota is used up or the request was blocked. Try again later or choose another provider.`, { cause: err });
      case vscode.LanguageModelError.NotFound.name:
        return new ModelError('not-found', `The language model ${modelName} is no longer available. Run “Deep Review: Choose Provider & Models”.`, { cause: err });
      default:
        return new ModelError('server', `${modelName} failed: ${err.message}`, { cause: err });
    }
  }
  return new ModelError('server', `${modelName} failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
}
