import type { Response } from 'express';

/** How a live progress stream polls and keeps the connection alive. */
export interface ProgressStreamTiming {
  /** Between two polls of the progress RPC. */
  readonly pollMs: number;
  /** A comment line when nothing was sent for this long, so proxies keep the connection open. */
  readonly heartbeatMs: number;
}

export const DEFAULT_STREAM_TIMING: ProgressStreamTiming = { pollMs: 1000, heartbeatMs: 15_000 };

/** One poll's outcome: the event's JSON and whether the pass has ended. */
export interface ProgressSnapshot {
  readonly data: unknown;
  readonly ended: boolean;
}

/**
 * Serves Server-Sent Events from polling: the first snapshot (already fetched, so a refusal was an
 * ordinary error answer) is sent at once, then one `progress` event each time a poll differs from the
 * last, a `: heartbeat` comment after `heartbeatMs` of silence, and an `end` event once the pass has
 * ended. A failed poll sends an `error` event with the HTTP status it would have had and closes (an
 * expired token: reconnect with a fresh one). Stops polling when the client goes away.
 */
export function streamProgress(
  res: Response,
  first: ProgressSnapshot,
  poll: () => Promise<ProgressSnapshot>,
  statusOf: (err: unknown) => number,
  timing: ProgressStreamTiming,
  onClose: () => void,
): void {
  res.status(200);
  res.setHeader('content-type', 'text/event-stream; charset=utf-8');
  res.setHeader('cache-control', 'no-store');
  res.setHeader('connection', 'keep-alive');
  // Tells nginx-style proxies not to buffer the stream.
  res.setHeader('x-accel-buffering', 'no');
  res.flushHeaders();
  let id = 0;
  let last = '';
  let lastSent = Date.now();
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    clearTimeout(timer);
    onClose();
    res.end();
  };
  // The response closes when the client goes away (or after our own end).
  res.on('close', close);
  const send = (event: string, data: string) => {
    res.write(`event: ${event}\nid: ${++id}\ndata: ${data}\n\n`);
    lastSent = Date.now();
  };
  const emit = (snapshot: ProgressSnapshot): boolean => {
    const data = JSON.stringify(snapshot.data);
    if (data !== last) send('progress', data);
    last = data;
    if (!snapshot.ended) return true;
    send('end', '{}');
    close();
    return false;
  };
  const tick = async () => {
    if (closed) return;
    try {
      const snapshot = await poll();
      if (closed || !emit(snapshot)) return;
    } catch (err) {
      if (closed) return;
      send('error', JSON.stringify({ status: statusOf(err) }));
      close();
      return;
    }
    if (Date.now() - lastSent >= timing.heartbeatMs) {
      res.write(': heartbeat\n\n');
      lastSent = Date.now();
    }
    timer = setTimeout(() => void tick(), timing.pollMs);
  };
  if (emit(first)) timer = setTimeout(() => void tick(), timing.pollMs);
}
