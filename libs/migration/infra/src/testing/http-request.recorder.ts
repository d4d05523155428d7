import { createHash } from 'node:crypto';
import diagnostics from 'node:diagnostics_channel';
import type { ClientRequest, IncomingMessage } from 'node:http';

/** One Graph mailbox request as this process sent it: times, status, Retry-After, bytes charged. */
export interface RecordedRequest {
  /** A hash of the `/users/{id}` path segment (the mailbox), never the address. */
  readonly mailbox: string;
  readonly method: string;
  readonly startMs: number;
  /** When the answer's head arrived. */
  readonly endMs: number;
  readonly status: number;
  readonly retryAfterS: number | null;
  /** Content-Length of the request body (what Graph counts against the upload budget). */
  readonly uploadBytes: number;
}

const START = 'http.client.request.start';
const ANSWER = 'http.client.response.finish';
const MAILBOX_PATH = /^\/v1\.0\/users\/([^/?]+)/;

/**
 * Records this process's Graph mailbox requests from Node's HTTP client diagnostics channels, so a
 * benchmark sees each request's timing and answer without wrapping Ferry's transports. Requests
 * outside `/v1.0/users/{id}` (Gmail, tokens) are ignored.
 */
export class HttpRequestRecorder {
  private readonly started = new WeakMap<ClientRequest, number>();
  private readonly recorded: RecordedRequest[] = [];

  private readonly onStart = (message: unknown) => {
    this.started.set((message as { request: ClientRequest }).request, Date.now());
  };

  private readonly onAnswer = (message: unknown) => {
    const { request, response } = message as { request: ClientRequest; response: IncomingMessage };
    const match = MAILBOX_PATH.exec(request.path);
    const startMs = this.started.get(request);
    if (!match?.[1] || startMs === undefined) return;
    const retryAfter = Number(response.headers['retry-after']);
    this.recorded.push({
      mailbox: createHash('sha256').update(decodeURIComponent(match[1]).toLowerCase()).digest('hex').slice(0, 16),
      method: request.method,
      startMs,
      endMs: Date.now(),
      status: response.statusCode ?? 0,
      retryAfterS: Number.isFinite(retryAfter) && response.headers['retry-after'] !== undefined ? retryAfter : null,
      uploadBytes: Number(request.getHeader('content-length') ?? 0) || 0,
    });
  };

  start(): this {
    diagnostics.subscribe(START, this.onStart);
    diagnostics.subscribe(ANSWER, this.onAnswer);
    return this;
  }

  stop(): void {
    diagnostics.unsubscribe(START, this.onStart);
    diagnostics.unsubscribe(ANSWER, this.onAnswer);
  }

  /** What was recorded so far, and forgets it. */
  take(): RecordedRequest[] {
    return this.recorded.splice(0);
  }
}
