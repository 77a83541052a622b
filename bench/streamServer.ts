// The model server for the stream benchmarks, in a child process (the same bundle, forked with
// DEEP_REVIEW_STREAM_BENCH_ROLE=server), so the figures are the consumer's alone.
import { fork, type ChildProcess } from 'node:child_process';
import { ModelServer, type ScriptedResponse } from '../test/support/modelServer';
import { sseResponse } from '../test/support/transcripts';

export const ROLE_ENV = 'DEEP_REVIEW_STREAM_BENCH_ROLE';


type ToServerBody = { type: 'load'; name: string; chunks: string[]; chunkDelayMs?: number } | { type: 'enqueue'; name: string } | { type: 'served' } | { type: 'close' };
type ToServer = ToServerBody & { id: number };
interface FromServer {
  id: number;
  url?: string;
  /** Requests the server received since the previous `served`, with their paths. */
  served?: string[];
  /** Scripted responses still queued (must be 0 when a run ends). */
  pending?: number;
  error?: string;
}

export async function serverMain(): Promise<void> {
  const server = await ModelServer.start();
  const loaded = new Map<string, ScriptedResponse>();
  const reply = (message: FromServer): void => {
    process.send?.(message);
  };
  process.on('message', (raw: unknown) => {
    const message = raw as ToServer;
    switch (message.type) {
      case 'load':
        // A fresh connection per request, for every path alike: with keep-alive, a pooled socket
        // that the server times out (5 s) just as a request reuses it fails as "other side closed"
        // on a busy machine, and only some clients retry that.
        loaded.set(message.name, sseResponse(message.chunks, { headers: { connection: 'close' }, ...(message.chunkDelayMs ? { chunkDelayMs: message.chunkDelayMs } : {}) }));
        reply({ id: message.id });
        break;
      case 'enqueue': {
        const script = loaded.get(message.name);
        if (!script) {
          reply({ id: message.id, error: `no transcript ${message.name}` });
          break;
        }
        server.enqueue(script);
        reply({ id: message.id, pending: server.pending });
        break;
      }
      case 'served': {
        const served = server.requests.map((r) => `${r.method} ${r.path}`);
        server.requests.splice(0);
        reply({ id: message.id, served, pending: server.pending });
        break;
      }
      case 'close':
        void server.close().then(() => {
          reply({ id: message.id });
          process.exit(0);
        });
        break;
    }
  });
  process.on('disconnect', () => process.exit(0));
  reply({ id: 0, url: server.baseUrl });
}

export class ServerProcess {
  private nextId = 1;
  private readonly waiting = new Map<number, (m: FromServer) => void>();

  private constructor(
    private readonly child: ChildProcess,
    readonly baseUrl: string,
  ) {
    child.on('message', (raw: unknown) => {
      const message = raw as FromServer;
      this.waiting.get(message.id)?.(message);
      this.waiting.delete(message.id);
    });
    child.on('exit', (code) => {
      for (const [id, settle] of this.waiting) settle({ id, error: `model server process exited with ${code}` });
      this.waiting.clear();
    });
  }

  static async start(): Promise<ServerProcess> {
    const child = fork(__filename, [], { env: { ...process.env, [ROLE_ENV]: 'server' }, execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const ready = await new Promise<FromServer>((resolve, reject) => {
      child.once('message', (m: unknown) => resolve(m as FromServer));
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`model server process exited with ${code}`)));
    });
    if (!ready.url) throw new Error('model server process sent no address');
    return new ServerProcess(child, ready.url);
  }

  private request(message: ToServerBody): Promise<FromServer> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, (m) => (m.error ? reject(new Error(m.error)) : resolve(m)));
      this.child.send({ ...message, id });
    });
  }

  async load(name: string, chunks: string[], chunkDelayMs?: number): Promise<void> {
    await this.request({ type: 'load', name, chunks, ...(chunkDelayMs ? { chunkDelayMs } : {}) });
  }

  /** Queues one response for the next request. */
  async enqueue(name: string): Promise<void> {
    const m = await this.request({ type: 'enqueue', name });
    if (m.pending !== 1) throw new Error(`model server: ${m.pending} responses queued, expected exactly this one`);
  }

  /** The requests served since the previous call, and the responses still queued. */
  async served(): Promise<{ served: string[]; pending: number }> {
    const m = await this.request({ type: 'served' });
    return { served: m.served ?? [], pending: m.pending ?? 0 };
  }

  async close(): Promise<void> {
    await Promise.race([this.request({ type: 'close' }), new Promise((r) => setTimeout(r, 2_000))]);
    this.child.kill();
  }
}
