import type { ClientRequest, IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { type Agent, request as httpsRequest } from 'node:https';
import type { Socket } from 'node:net';
import { Readable } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import { asProviderError, headersOf, nodeHeaders } from './outbound-guard';
import { ProviderError } from './provider-error';
import type { StreamingRequest, StreamingResponse } from './streaming-transport';
import type { Watchdog } from './streaming-transport.watchdog';

/**
 * One request/response over a pinned socket, settled once: the promise is rejected with the first
 * failure before the answer's head arrives; after it, a failure destroys the response body stream.
 */
export class Exchange {
  private req?: ClientRequest;
  private res?: IncomingMessage;
  private body?: Readable;
  private socket?: Socket;
  private connected = false;
  private uploading = false;
  private settled = false;
  private finished = false;
  private readonly startedAt = Date.now();
  private lastActivity = Date.now();
  private lastBytes = -1;
  private resolve!: (res: StreamingResponse) => void;
  private reject!: (err: Error) => void;
  private readonly onSecureConnect = () => (this.connected = true);
  private readonly onAbort = () =>
    this.fail(new ProviderError('unreachable', `request to ${this.url.host} was aborted`));

  constructor(
    private readonly url: URL,
    private readonly request: StreamingRequest,
    private readonly agent: Agent,
    private readonly timing: { readonly idleMs: number; readonly connectMs: number },
    private readonly watchdog: Watchdog,
  ) {}

  start(): Promise<StreamingResponse> {
    const promise = new Promise<StreamingResponse>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    const headers = nodeHeaders(this.request.headers);
    const body = this.request.body;
    const length =
      body === undefined || body instanceof Readable ? this.request.bodyLength : bytesOf(body);
    if (body !== undefined && length !== undefined) headers['content-length'] = String(length);
    let req: ClientRequest;
    try {
      req = httpsRequest(this.url, { method: this.request.method, headers, agent: this.agent });
    } catch {
      // Node refuses a header value with a line break or a bad method: its message may name the header.
      return Promise.reject(
        new ProviderError('invalid-input', `a request to ${this.url.host} has an invalid method or header`),
      );
    }
    this.req = req;
    req.on('socket', (socket: Socket) => {
      this.socket = socket;
      // A kept-alive socket comes connected, but Node flags `reusedSocket` only when the agent had it
      // free, not when it hands it to a request that waited in its queue: ask the TLS session itself
      // (verified, so `authorized` means the handshake is done), or the exchange would wait for a
      // 'secureConnect' long past (and fail at the connect deadline), leaving a listener per request.
      if (req.reusedSocket || (socket as TLSSocket).authorized) this.connected = true;
      else socket.once('secureConnect', this.onSecureConnect);
    });
    req.on('response', (res: IncomingMessage) => this.answered(res));
    req.on('error', (err) => this.fail(asProviderError(err, this.url)));
    this.request.signal.addEventListener('abort', this.onAbort, { once: true });
    this.watchdog.watch(this);
    if (body === undefined) req.end();
    else if (Buffer.isBuffer(body)) req.end(body);
    else if (body instanceof Readable) void this.pump(body, length);
    else {
      // Corked, the pieces leave in one write (and one TLS record where they fit).
      req.cork();
      for (const piece of body) req.write(piece);
      req.end();
    }
    return promise;
  }

  /** Streams the request body with backpressure; stops at the first failure or an early answer. */
  private async pump(source: Readable, length: number | undefined): Promise<void> {
    const req = this.req as ClientRequest;
    this.uploading = true;
    let sent = 0;
    try {
      for await (const chunk of source) {
        if (this.finished || this.res) break;
        const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
        sent += bytes.length;
        if (length !== undefined && sent > length)
          throw new ProviderError(
            'invalid-input',
            `the request body to ${this.url.host} is longer than its declared length`,
          );
        if (!req.write(bytes)) await drained(req);
      }
      if (this.finished || this.res) return;
      if (length !== undefined && sent !== length)
        throw new ProviderError(
          'invalid-input',
          `the request body to ${this.url.host} is shorter than its declared length`,
        );
      req.end();
    } catch (err) {
      // The caller's own stream failing is the caller's error (e.g. the source mailbox's), passed on as is.
      this.fail(
        err instanceof Error
          ? err
          : new ProviderError('unreachable', `the request body to ${this.url.host} failed`),
      );
    } finally {
      this.uploading = false;
    }
  }

  private answered(res: IncomingMessage): void {
    if (this.finished) {
      res.destroy();
      return;
    }
    this.res = res;
    const max = this.request.maxResponseBytes;
    const declared = Number(res.headers['content-length']);
    if (max !== undefined && Number.isFinite(declared) && declared > max) {
      this.fail(new ProviderError('provider-error', `${this.url.host} answered more than ${max} bytes`));
      return;
    }
    let size = 0;
    const host = this.url.host;
    // The answer handed on through a plain Readable fed from 'data' (pausing the answer while the
    // consumer is behind), not a Transform piped to: half the stream machinery per chunk and per answer.
    const body = new Readable({ read: () => void res.resume() });
    this.body = body;
    res.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (max !== undefined && size > max)
        this.fail(new ProviderError('provider-error', `${host} answered more than ${max} bytes`));
      else if (!body.push(chunk)) res.pause();
    });
    res.on('end', () => body.push(null));
    const midAnswer = () =>
      this.fail(new ProviderError('unreachable', `${host} closed the connection mid-answer`));
    res.on('aborted', midAnswer);
    res.on('error', midAnswer);
    res.on('close', () => {
      if (!res.complete) midAnswer();
    });
    body.on('error', (err) => this.fail(err));
    body.on('end', () => {
      this.cleanup();
      // Answered before the request body was all sent: the socket is mid-request and cannot be reused.
      if (!this.req?.writableEnded) this.req?.destroy();
    });
    // A consumer that destroys the body early gives the socket up: it cannot be reused mid-answer.
    body.on('close', () => {
      if (!body.readableEnded)
        this.fail(new ProviderError('unreachable', `the answer from ${host} was abandoned`));
    });
    this.settled = true;
    this.resolve(new Answer(res.statusCode ?? 502, res.headers, body));
  }

  /** Connect deadline, then idle detection: bytes moving on the socket, or Ferry's side holding things up. */
  check(now: number): void {
    if (!this.connected) {
      if (now - this.startedAt > this.timing.connectMs)
        this.fail(
          new ProviderError(
            'unreachable',
            `${this.url.host} did not connect within ${this.timing.connectMs} ms`,
          ),
        );
      return;
    }
    const socket = this.socket;
    const bytes = socket ? socket.bytesRead + socket.bytesWritten : 0;
    if (bytes !== this.lastBytes || !this.waitingOnPeer()) {
      this.lastBytes = bytes;
      this.lastActivity = now;
      return;
    }
    if (now - this.lastActivity > this.timing.idleMs)
      this.fail(
        new ProviderError('unreachable', `${this.url.host} sent nothing for ${this.timing.idleMs} ms`),
      );
  }

  private waitingOnPeer(): boolean {
    // A paused answer waits for its consumer, not for the peer.
    if (this.res) return !this.res.isPaused();
    // Uploading while the socket can take more: the body source is what is slow.
    if (this.uploading && !this.req?.writableNeedDrain) return false;
    return true;
  }

  private fail(err: Error): void {
    if (this.finished) return;
    const wasSettled = this.settled;
    this.settled = true;
    this.cleanup();
    if (!wasSettled) this.reject(err);
    else if (this.body && !this.body.destroyed) this.body.destroy(err);
    if (this.uploading) (this.request.body as Readable).destroy();
    this.req?.destroy();
  }

  private cleanup(): void {
    if (this.finished) return;
    this.finished = true;
    this.watchdog.release(this);
    this.socket?.off('secureConnect', this.onSecureConnect);
    this.request.signal.removeEventListener('abort', this.onAbort);
  }
}

/**
 * An answer whose headers are made into a `Headers` when first read (most callers never read them).
 * A class, not an object literal with a getter closing over the answer: with the literal, the
 * engine benchmark's worker spent ten times as long in GC (graph-gmail: 3.4 against 2.4 CPU-ms a
 * message), the closures keeping each answer's context alive.
 */
class Answer implements StreamingResponse {
  private made?: Headers;

  constructor(
    readonly status: number,
    private readonly raw: IncomingHttpHeaders,
    readonly body: Readable,
  ) {}

  get headers(): Headers {
    return (this.made ??= headersOf(this.raw));
  }
}

function bytesOf(body: Buffer | readonly Buffer[]): number {
  if (Buffer.isBuffer(body)) return body.length;
  let bytes = 0;
  for (const piece of body) bytes += piece.length;
  return bytes;
}

/** Resolves on 'drain', or when the request closes (a failure that will be reported elsewhere). */
function drained(req: ClientRequest): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      req.off('drain', done);
      req.off('close', done);
      resolve();
    };
    req.on('drain', done);
    req.on('close', done);
  });
}
