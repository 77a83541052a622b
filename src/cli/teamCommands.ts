// `deep-review team …`, `deep-review server` and `deep-review worker`: team mode on PostgreSQL.
import { PROVIDER_CATALOG } from '../core/providers/catalog';
import { createModelClient } from '../core/providers/providerFactory';
import { AdminError, addMember, revokeMember, setBudget, spendReport } from '../server/admin';
import { openDb, type Db } from '../server/db';
import { TeamServer } from '../server/httpServer';
import { jsonLogger } from '../server/log';
import { SCHEMA_VERSION, migrate, schemaVersion } from '../server/schema';
import { canonicalJson } from '../core/cache/contentHash';
import { missingModelMessage } from '../core/routing/modelSettings';
import { readModelConfig, routingOf, teamModelConfigSchema, writeModelConfig } from '../server/teamConfig';
import { Worker } from '../server/worker';
import { UsageError } from './cliArgs';
import { TEAM_USAGE, modelConfigFromFlags, numberFlag, parseTeamArgs, type TeamArgs } from './teamArgs';

export const TEAM_COMMANDS = ['team', 'server', 'worker'] as const;

export async function runTeamCommand(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (rest.includes('--help') || rest.length === 0 && command === 'team') {
    process.stdout.write(`${TEAM_USAGE}\n`);
    return 0;
  }
  let args: TeamArgs;
  try {
    args = parseTeamArgs(command === 'team' ? rest.slice(1) : rest, process.env);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`deep-review: ${err.message}\n\n${TEAM_USAGE}\n`);
    return 2;
  }
  const db = openDb(args.database, { application: `deep-review ${command}`, max: command === 'server' ? 20 : 10 });
  try {
    if (command === 'server') return await server(db, args);
    if (command === 'worker') return await worker(db, args);
    return await team(db, rest[0] ?? '', args);
  } catch (err) {
    if (err instanceof AdminError) {
      process.stderr.write(`deep-review: ${err.message}\n`);
      return 1;
    }
    if (err instanceof UsageError) {
      process.stderr.write(`deep-review: ${err.message}\n\n${TEAM_USAGE}\n`);
      return 2;
    }
    throw err;
  } finally {
    await db.end().catch(() => undefined);
  }
}

async function requireSchema(db: Db): Promise<void> {
  const v = await schemaVersion(db);
  if (v < SCHEMA_VERSION) throw new AdminError(`The database is not initialised for team mode (schema ${v}, need ${SCHEMA_VERSION}): run deep-review team init --database <url>.`);
}

async function team(db: Db, sub: string, args: TeamArgs): Promise<number> {
  const name = args.positionals[0];
  switch (sub) {
    case 'init': {
      const { applied, version } = await migrate(db);
      const config = modelConfigFromFlags(args.values);
      if (config) await writeModelConfig(db, config);
      process.stdout.write(applied.length ? `Team schema initialised (migrations ${applied.join(', ')} applied; version ${version}).\n` : `Team schema already at version ${version}; nothing to do.\n`);
      return 0;
    }
    case 'add-member': {
      if (!name || args.positionals.length !== 1) throw new UsageError('Give one member name: deep-review team add-member <name>.');
      await requireSchema(db);
      const { token } = await addMember(db, name);
      process.stdout.write(`Member “${name}” added. Their token is shown only this once; give it to them for DEEP_REVIEW_TOKEN:\n${token}\n`);
      return 0;
    }
    case 'revoke-member': {
      if (!name || args.positionals.length !== 1) throw new UsageError('Give one member name: deep-review team revoke-member <name>.');
      await requireSchema(db);
      if (!(await revokeMember(db, name))) throw new AdminError(`No active member named “${name}”.`);
      process.stdout.write(`Member “${name}” revoked; their token no longer works.\n`);
      return 0;
    }
    case 'budget': {
      await requireSchema(db);
      const daily = numberFlag(args.values['daily-usd'], '--daily-usd');
      const monthly = numberFlag(args.values['monthly-usd'], '--monthly-usd');
      if (daily === undefined) throw new UsageError('Give --daily-usd <n> (0 for no daily limit).');
      await setBudget(db, { dailyUsd: daily || null, monthlyUsd: monthly === undefined ? undefined : monthly || null }, args.values.member);
      const who = args.values.member ? `Member “${args.values.member}”` : 'Team';
      process.stdout.write(`${who} budget: ${daily ? `$${daily}/day` : 'no daily limit'}${monthly === undefined ? '' : monthly ? `, $${monthly}/month` : ', no monthly limit'}.\n`);
      return 0;
    }
    case 'report': {
      await requireSchema(db);
      const rows = await spendReport(db, numberFlag(args.values.days, '--days', { integer: true, min: 1 }) ?? 31);
      if (args.values.format === 'json') {
        process.stdout.write(`${JSON.stringify({ rows }, null, 2)}\n`);
        return 0;
      }
      if (args.values.format !== undefined && args.values.format !== 'text') throw new UsageError('--format must be text or json.');
      process.stdout.write(`${'day'.padEnd(10)}  ${'member'.padEnd(20)}  ${'model'.padEnd(32)}  ${'attempts'.padStart(8)}  ${'USD'.padStart(10)}\n`);
      for (const r of rows) {
        process.stdout.write(`${r.day.padEnd(10)}  ${r.member.slice(0, 20).padEnd(20)}  ${r.model.slice(0, 32).padEnd(32)}  ${String(r.attempts).padStart(8)}  ${r.usd.toFixed(4).padStart(10)}${r.unknownCost ? `  (${r.unknownCost} unknown)` : ''}\n`);
      }
      if (rows.length === 0) process.stdout.write('No spend recorded yet.\n');
      return 0;
    }
    default:
      throw new UsageError(`Unknown team command “${sub}”.`);
  }
}

function untilSignal(): Promise<string> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
}

async function server(db: Db, args: TeamArgs): Promise<number> {
  const port = numberFlag(args.values.port, '--port', { integer: true });
  if (port === undefined || port > 65535) throw new UsageError('Give the port with --port <n>.');
  await requireSchema(db);
  const config = modelConfigFromFlags(args.values);
  if (config) await writeModelConfig(db, config);
  const log = jsonLogger('server');
  const s = new TeamServer({
    db,
    log,
    port,
    host: args.values.host,
    ratePerMinute: numberFlag(args.values['rate-per-minute'], '--rate-per-minute', { integer: true }),
    maxBodyBytes: numberFlag(args.values['max-body-bytes'], '--max-body-bytes', { integer: true, min: 1024 }),
    pollMs: numberFlag(args.values['poll-ms'], '--poll-ms', { integer: true, min: 10 }),
  });
  await s.start();
  const signal = await untilSignal();
  log('info', 'shutting down', { signal });
  await s.stop();
  log('info', 'stopped');
  return 0;
}

async function worker(db: Db, args: TeamArgs): Promise<number> {
  await requireSchema(db);
  const flags = modelConfigFromFlags(args.values);
  const stored = await readModelConfig(db);
  const log = jsonLogger('worker');
  if (flags) {
    // One team, one model configuration: the server routes and prices by it, so the last worker
    // started with flags decides. Say so when that changes it.
    if (stored && canonicalJson(stored) !== canonicalJson(teamModelConfigSchema.parse(flags))) log('warn', 'this worker changes the team model configuration', { before: { ...stored, priceOverrides: undefined }, after: { ...flags, priceOverrides: undefined } });
    await writeModelConfig(db, flags);
  }
  const config = flags ?? stored;
  if (!config) throw new UsageError('No model is configured for the team: give --provider (and --model, --base-url).');
  const missing = missingModelMessage(routingOf(config).tiers);
  if (missing) throw new UsageError(missing.replace('deepReview.models.', '--model (deepReview.models.'));
  const keyFor = (provider: keyof typeof PROVIDER_CATALOG) => {
    const envVar = PROVIDER_CATALOG[provider].keyEnvVar;
    return envVar ? process.env[envVar] : undefined;
  };
  const needed = PROVIDER_CATALOG[config.provider];
  if (needed.needsKey && needed.keyEnvVar && !keyFor(config.provider)) throw new AdminError(`${needed.keyEnvVar} is not set: the worker holds the team's ${needed.label} key.`);
  const w = new Worker({
    db,
    log,
    priceOverrides: config.priceOverrides,
    leaseMs: (numberFlag(args.values['lease-seconds'], '--lease-seconds', { min: 0.2 }) ?? 60) * 1000,
    maxInFlight: numberFlag(args.values.concurrency, '--concurrency', { integer: true, min: 1 }) ?? 4,
    pollMs: numberFlag(args.values['poll-ms'], '--poll-ms', { integer: true, min: 10 }),
    clientFor: (spec) =>
      createModelClient({
        provider: spec.provider,
        apiKey: keyFor(spec.provider),
        baseUrl: spec.baseUrl,
        idleTimeoutMs: Number(process.env.DEEP_REVIEW_IDLE_TIMEOUT_MS ?? 120_000),
        retry: process.env.DEEP_REVIEW_RETRY_BASE_DELAY_MS ? { baseDelayMs: Number(process.env.DEEP_REVIEW_RETRY_BASE_DELAY_MS) } : undefined,
      }),
  });
  await w.start();
  log('info', 'worker ready', { worker: w.id, provider: config.provider, model: config.model ?? null });
  const signal = await untilSignal();
  log('info', 'shutting down', { signal, inFlight: w.inFlight });
  await w.stop(Number(process.env.DEEP_REVIEW_WORKER_GRACE_MS ?? 30_000));
  log('info', 'stopped');
  return 0;
}
