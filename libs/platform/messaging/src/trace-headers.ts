import { context, propagation, type Context } from '@opentelemetry/api';
import type { MsgHdrs } from 'nats';

/** Writes the active W3C trace context into NATS headers. */
export function injectTrace(headers: MsgHdrs, ctx: Context = context.active()): void {
  propagation.inject(ctx, headers, { set: (carrier, key, value) => carrier.set(key, value) });
}

/** Reads a W3C trace context from NATS headers (missing headers read as empty strings in nats.js). */
export function extractTrace(headers: MsgHdrs | undefined): Context {
  if (!headers) return context.active();
  return propagation.extract(context.active(), headers, {
    get: (carrier, key) => carrier.get(key) || undefined,
    keys: (carrier) => carrier.keys(),
  });
}
