// `deep-review review … --server <url>`: the same request as a local review, sent to the team
// server with the member token from DEEP_REVIEW_TOKEN; prints the same output as a local review.
import type { ReviewRequestInput } from '../core/requests/request';
import { TEAM_AUTH_MESSAGE, TeamAuthError, TeamClient } from '../server/teamHttpClient';
import type { ReviewCommand } from './cliArgs';
import { renderJob } from './cliOutput';

export async function reviewOnServer(cmd: ReviewCommand & { server: string }, request: ReviewRequestInput, fileText: string, write: (text: string) => void): Promise<number> {
  const token = process.env.DEEP_REVIEW_TOKEN?.trim();
  if (!token) {
    process.stderr.write(`deep-review: ${TEAM_AUTH_MESSAGE.replace('refused the member token (missing, unknown or revoked)', 'needs a member token: DEEP_REVIEW_TOKEN is not set')}\n`);
    return 1;
  }
  if (cmd.tier !== 'auto') request.options = { ...request.options, forcedTier: cmd.tier };
  if (cmd.noCache) request.options = { ...request.options, noCache: true };
  if (cmd.maxThinkingTokens !== undefined) request.options = { ...request.options, maxThinkingTokens: cmd.maxThinkingTokens };
  if (cmd.effort) request.options = { ...request.options, effort: cmd.effort };
  const client = new TeamClient(cmd.server, token);
  try {
    const submitted = await client.submit(request, fileText);
    if (process.stderr.isTTY) process.stderr.write(`\x1b[2m→ team server: ${submitted.cached ? 'answered from the team cache' : submitted.joined ? 'joined an identical request in flight' : `queued for ${submitted.route.provider}/${submitted.route.model}`}\x1b[22m\n`);
    const abort = new AbortController();
    const onSigint = () => abort.abort();
    process.once('SIGINT', onSigint);
    const done = await client.follow(submitted.jobId, {
      signal: abort.signal,
      reconnectForMs: Number(process.env.DEEP_REVIEW_RECONNECT_MS ?? 600_000),
      onEvent: (e) => {
        if (process.stderr.isTTY && e.type === 'reasoning') process.stderr.write(`\x1b[2m${(e.data as { text: string }).text}\x1b[22m`);
      },
    });
    process.off('SIGINT', onSigint);
    if (done.status !== 'succeeded') {
      process.stderr.write(`deep-review: ${done.error?.message ?? `the job ended as ${done.status}`}\n`);
      if (cmd.format === 'json') write(renderJob(done, 'json'));
      return 1;
    }
    write(renderJob(done, cmd.format));
    return 0;
  } catch (err) {
    const cause = err instanceof Error && err.cause instanceof Error ? ` (${err.cause.message})` : '';
    const message = err instanceof TeamAuthError ? err.message : err instanceof TypeError ? `Could not reach the team server at ${cmd.server}${cause}.` : err instanceof Error ? err.message : String(err);
    process.stderr.write(`deep-review: ${message}\n`);
    return 1;
  }
}
