import { extractTraceContext, injectTraceContext } from '@ferry/platform/telemetry';
import { type Context, context } from '@opentelemetry/api';
import type { MsgHdrs } from 'nats';

/** Writes the active W3C trace context into NATS headers. */
export function injectTrace(headers: MsgHdrs): void {
  injectTraceContext(headers);
}

/** The trace context carried by a message, or the active one when it has no headers. */
export function extractTrace(headers: MsgHdrs | undefined): Context {
  return headers ? extractTraceContext(headers) : context.active();
}
