import type { IncomingHttpHeaders } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { HecEvent } from '../webhook/hec-event.format';
import { closeServer, listenOnLoopback } from './loopback-server';

/** One request the receiver got, and what it answered. */
export interface ReceivedRequest {
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  readonly at: number;
  readonly status: number;
}

/** What to answer a request; `index` counts requests from 0. */
export type Responder = (request: { headers: IncomingHttpHeaders; body: Buffer }, index: number) => { status: number; headers?: Record<string, string>; body?: string };

const SUCCESS: Responder = () => ({ status: 200, body: '{"text":"Success","code":0}' });

/**
 * A local HTTPS endpoint standing in for Splunk's HTTP Event Collector: records every request and
 * answers what `respond` says (HEC's success answer by default). Stops and restarts on the same port,
 * so a test can take the destination down and bring it back.
 */
export class HecReceiver {
  readonly requests: ReceivedRequest[] = [];
  respond: Responder = SUCCESS;
  private server: Server | undefined;
  private port = 0;

  constructor(private readonly tls: { readonly cert: string; readonly key: string }) {}

  get url(): string {
    return `https://127.0.0.1:${this.port}/services/collector/event`;
  }

  async start(): Promise<void> {
    const server = createServer({ cert: this.tls.cert, key: this.tls.key }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const answer = this.respond({ headers: req.headers, body }, this.requests.length);
        this.requests.push({ headers: req.headers, body, at: Date.now(), status: answer.status });
        res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
        res.end(answer.body ?? '');
      });
    });
    this.port = await listenOnLoopback(server, this.port);
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    await closeServer(server, () => server?.closeAllConnections());
  }

  /** The HEC events of the requests answered 2xx, in the order they arrived. */
  accepted(): HecEvent[] {
    return this.requests.filter((r) => r.status >= 200 && r.status < 300).flatMap((r) => eventsOf(r.body));
  }
}

/** A HEC body's event objects (the forwarder separates them with newlines; JSON text never holds a raw one). */
export function eventsOf(body: Buffer): HecEvent[] {
  return body
    .toString('utf8')
    .split('\n')
    .map((line) => JSON.parse(line) as HecEvent);
}
