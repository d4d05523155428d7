import { type Context, context, propagation } from '@opentelemetry/api';

/** Somewhere trace headers can be written, e.g. NATS `MsgHdrs` or a `Map`. */
export interface TraceCarrierWriter {
  set(key: string, value: string): void;
}

/**
 * Somewhere trace headers can be read. `get` may return `''` for a missing key (nats.js headers
 * do); that counts as absent.
 */
export interface TraceCarrierReader {
  get(key: string): string | undefined;
  /** The keys present, if the carrier can list them. */
  keys?(): Iterable<string>;
}

/**
 * Writes the trace context of `ctx` (default: the active context) into `carrier` using the
 * registered propagator (W3C `traceparent` / `tracestate` once `startTelemetry` has run).
 */
export function injectTraceContext(carrier: TraceCarrierWriter, ctx: Context = context.active()): void {
  propagation.inject(ctx, carrier, { set: (target, key, value) => target.set(key, value) });
}

/**
 * Reads a trace context from `carrier` on top of `base` (default: the active context). Use the
 * result as the parent of a consumer span; with no or an invalid `traceparent`, it is just `base`.
 */
export function extractTraceContext(carrier: TraceCarrierReader, base: Context = context.active()): Context {
  return propagation.extract(base, carrier, {
    get: (source, key) => source.get(key) || undefined,
    keys: (source) => (source.keys ? [...source.keys()] : []),
  });
}
