import type { IncomingHttpHeaders } from 'node:http';
import { Readable, Writable } from 'node:stream';

/** What an in-process request answered: status, lower-cased headers and the whole body. */
export interface DispatchResult {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

/** Signature of SandboxContext.dispatch: one request through the server's full pipeline, without a socket. */
export type Dispatch = (
  method: string,
  path: string,
  headers: Readonly<Record<string, string>>,
  body: Buffer,
) => Promise<DispatchResult>;

/** Largest response body a dispatched request may produce (batch responses are JSON, not downloads). */
export const DISPATCH_RESPONSE_LIMIT = 16 * 1024 * 1024;

/**
 * The parts of IncomingMessage the server and handlers use (method, url, headers, the body stream,
 * `socket.destroy()` for the reset fault), over an in-memory body.
 */
export class SyntheticRequest extends Readable {
  readonly headers: IncomingHttpHeaders;
  readonly socket: { readonly remoteAddress: string; destroy: () => void };

  constructor(
    readonly method: string,
    readonly url: string,
    headers: Readonly<Record<string, string>>,
    body: Buffer,
  ) {
    super();
    const h: IncomingHttpHeaders = {};
    for (const [k, v] of Object.entries(headers)) h[k.toLowerCase()] = v;
    h['content-length'] = String(body.length);
    this.headers = h;
    this.socket = { remoteAddress: '127.0.0.1', destroy: () => this.destroy() };
    if (body.length > 0) this.push(body);
    this.push(null);
  }

  override _read(): void {
    // Everything was pushed up front.
  }
}

/** The parts of ServerResponse the server and handlers use, capturing status, headers and body. */
export class CapturingResponse extends Writable {
  statusCode = 200;
  statusMessage = '';
  headersSent = false;
  readonly socket: { destroy: () => void };
  private readonly headerMap = new Map<string, string>();
  private readonly chunks: Buffer[] = [];
  private size = 0;

  constructor() {
    super();
    this.socket = { destroy: () => this.destroy() };
  }

  setHeader(name: string, value: string | number | readonly string[]): this {
    this.headerMap.set(name.toLowerCase(), Array.isArray(value) ? value.join(', ') : String(value));
    return this;
  }

  getHeader(name: string): string | undefined {
    return this.headerMap.get(name.toLowerCase());
  }

  getHeaders(): Record<string, string> {
    return Object.fromEntries(this.headerMap);
  }

  hasHeader(name: string): boolean {
    return this.headerMap.has(name.toLowerCase());
  }

  removeHeader(name: string): void {
    this.headerMap.delete(name.toLowerCase());
  }

  writeHead(
    status: number,
    messageOrHeaders?: string | Record<string, string | number | readonly string[]>,
    maybeHeaders?: Record<string, string | number | readonly string[]>,
  ): this {
    this.statusCode = status;
    const headers = typeof messageOrHeaders === 'string' ? maybeHeaders : messageOrHeaders;
    if (typeof messageOrHeaders === 'string') this.statusMessage = messageOrHeaders;
    for (const [k, v] of Object.entries(headers ?? {})) this.setHeader(k, v);
    this.headersSent = true;
    return this;
  }

  flushHeaders(): void {
    this.headersSent = true;
  }

  override _write(chunk: unknown, encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.headersSent = true;
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk), encoding);
    this.size += buf.length;
    if (this.size > DISPATCH_RESPONSE_LIMIT) {
      callback(new Error(`dispatched response exceeds ${DISPATCH_RESPONSE_LIMIT} bytes`));
      return;
    }
    this.chunks.push(buf);
    callback();
  }

  /** Resolves once the handler ended the response; rejects if it was destroyed first. */
  result(): Promise<DispatchResult> {
    return new Promise((resolve, reject) => {
      this.once('close', () => {
        if (!this.writableFinished) {
          reject(new Error('dispatched request was aborted'));
          return;
        }
        resolve({ status: this.statusCode, headers: this.getHeaders(), body: Buffer.concat(this.chunks) });
      });
    });
  }
}
