// LISTEN on a channel with its own connection, re-established after a database restart. Until
// it is back, callers fall back on polling, so a lost connection only slows wake-ups down.
import type { PoolClient } from 'pg';
import type { Db } from './db';
import type { Logger } from './log';

const RETRY_MS = 1000;

/** `ready` settles after the first attempt to listen (successful or not). */
export function listen(db: Db, channel: string, onNotify: (payload: string) => void, log: Logger): { ready: Promise<void>; stop(): Promise<void> } {
  let client: PoolClient | undefined;
  let stopped = false;
  let retry: NodeJS.Timeout | undefined;
  const connect = async (): Promise<void> => {
    if (stopped) return;
    try {
      const c = await db.connect();
      c.on('notification', (n) => onNotify(n.payload ?? ''));
      c.on('error', (err) => {
        log('warn', 'notification connection lost; polling until it is back', { channel, error: String(err) });
        c.release(true);
        if (client === c) client = undefined;
        retry = setTimeout(() => void connect(), RETRY_MS);
      });
      await c.query(`LISTEN ${channel}`);
      client = c;
      if (stopped) await release();
    } catch (err) {
      log('warn', 'could not listen; polling', { channel, error: String(err) });
      retry = setTimeout(() => void connect(), RETRY_MS);
    }
  };
  const release = async () => {
    const c = client;
    client = undefined;
    if (!c) return;
    await c.query(`UNLISTEN ${channel}`).catch(() => undefined);
    c.release();
  };
  const ready = connect();
  return {
    ready,
    async stop() {
      stopped = true;
      clearTimeout(retry);
      await release();
    },
  };
}
