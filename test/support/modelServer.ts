// A local stand-in for provider APIs: node:http on 127.0.0.1 at a random port. Each request
// takes the next scripted response from a queue (any path), so a test scripts exactly what
// the provider does: a stream in its wire format, an error status with headers, or a fault
// (reset, stall, slow drip). Every request is recorded with its parsed JSON body.
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface ScriptedResponse {
  /** HTTP status (default 200). */
  status?: number;
  headers?: Record<string, string>;
  /** Body pieces; each goes out as its own write (Buffers as raw bytes, e.g. a gzip body). */
  chunks: (string | Buffer)[];
  /** Wait this long before each chunk (a slow drip). */
  chunkDelayMs?: number;
  /** Send only this many chunks, then apply `ending`. */
  faultAfterChunks?: number;
  /** end: finish the response; reset: destroy the socket; stall: send nothing more, keep it open. */
  ending?: 'end' | 'reset' | 'stall';
  /** After the chunks, send this piece every everyMs until the client hangs up (keep-alive pings forever). */
  repeat?: { chunk: string; everyMs: number };
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  rawBody: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  body: unknown;
  /** Resolves with the ms from request to close once the connection for this exchange closed. */
  closed: Promise<number>;
}

export class ModelServer {
  readonly requests: RecordedRequest[] = [];
  private readonly queue: ScriptedResponse[] = [];
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: http.Server,
    readonly baseUrl: string,
  ) {}

  static async start(): Promise<ModelServer> {
    let self: ModelServer | undefined;
    const server = http.createServer((req, res) => {
      if (self) void self.handle(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    self = new ModelServer(server, `http://127.0.0.1:${port}`);
    const tracked = self;
    server.on('connection', (socket) => {
      tracked.sockets.add(socket);
      socket.on('close', () => tracked.sockets.delete(socket));
    });
    return self;
  }

  /** The server's address plus a path, e.g. url('/v1'). */
  url(path = ''): string {
    return `${this.baseUrl}${path}`;
  }

  /** Queues responses for the next requests, in order. */
  enqueue(...responses: ScriptedResponse[]): this {
    this.queue.push(...responses);
    return this;
  }

  /** Scripted responses not yet used. */
  get pending(): number {
    return this.queue.length;
  }

  /** Stops listening and destroys every open socket, stalled ones included. */
  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const started = Date.now();
    const closed = new Promise<number>((resolve) => res.on('close', () => resolve(Date.now() - started)));
    const rawBody = await readBody(req);
    this.requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, rawBody, body: parseJson(rawBody), closed });

    const script = this.queue.shift();
    if (!script) {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `model server: no scripted response for ${req.method} ${req.url}` } }));
      return;
    }
    res.writeHead(script.status ?? 200, script.headers ?? {});
    res.flushHeaders();
    const count = Math.min(script.faultAfterChunks ?? script.chunks.length, script.chunks.length);
    for (let i = 0; i < count; i++) {
      if (script.chunkDelayMs) await delay(script.chunkDelayMs);
      if (res.destroyed) return;
      await new Promise<void>((resolve) => res.write(script.chunks[i] ?? '', () => resolve()));
    }
    if (script.repeat) {
      while (!res.destroyed && !res.writableEnded) {
        await delay(script.repeat.everyMs);
        if (res.destroyed) return;
        res.write(script.repeat.chunk);
      }
      return;
    }
    switch (script.ending ?? 'end') {
      case 'end':
        res.end();
        break;
      case 'reset':
        // Give the written chunks a moment to leave before the connection is cut.
        await delay(5);
        res.socket?.destroy();
        break;
      case 'stall':
        break;
    }
  }
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (chunk: Buffer) => parts.push(chunk));
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
