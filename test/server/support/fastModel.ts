// A model server for load: answers every request (any path) with an OpenAI-compatible chat
// stream after `delayMs`, echoes the request’s REQ-<id> marker in the summary so each client can
// check it got its own answer, and counts requests in flight (and the most ever at once).
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { chatCompletionChunks, chatSse } from '../../support/transcripts';

export class FastModelServer {
  inFlight = 0;
  maxInFlight = 0;
  requests = 0;
  /** Requests for which this returns true get no answer until the connection is cut. */
  hold: (body: string) => boolean = () => false;
  private readonly held = new Set<http.ServerResponse>();

  private constructor(
    private readonly server: http.Server,
    readonly baseUrl: string,
    public delayMs: number,
  ) {}

  static async start(delayMs = 20): Promise<FastModelServer> {
    let self: FastModelServer | undefined;
    const server = http.createServer((req, res) => void self?.handle(req, res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    self = new FastModelServer(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, delayMs);
    return self;
  }

  /** Held calls whose connection is still open. */
  get heldOpen(): number {
    return this.held.size;
  }

  async close(): Promise<void> {
    for (const r of this.held) r.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const parts: Buffer[] = [];
    for await (const c of req) parts.push(c as Buffer);
    const body = Buffer.concat(parts).toString('utf8');
    this.requests += 1;
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    res.on('close', () => (this.inFlight -= 1));
    if (this.hold(body)) {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(': thinking\n\n');
      this.held.add(res);
      res.on('close', () => this.held.delete(res));
      return;
    }
    await new Promise((r) => setTimeout(r, this.delayMs));
    const marker = /REQ-[A-Za-z0-9]+/.exec(body)?.[0] ?? 'none';
    const answer = JSON.stringify({ summary: `Reviewed ${marker}.`, findings: [], answer: `Nothing wrong in ${marker}.` });
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    for (const chunk of chatSse(chatCompletionChunks({ model: 'gpt-5-mini', reasoning: ['Looking at ', marker], content: [answer], usage: { prompt_tokens: 400, completion_tokens: 60, total_tokens: 460 } }))) res.write(chunk);
    res.end();
  }
}
