import { extractTraceContext, injectTraceContext } from '@ferry/platform/telemetry';
import { type Context, ROOT_CONTEXT } from '@opentelemetry/api';
import type { MsgHdrs } from 'nats';

/** Writes the active W3C trace context into NATS headers. */
export function injectTrace(headers: MsgHdrs): void {
  injectTraceContext(headers);
}

/**
 * The trace context a received message carries; a message without one starts a new trace. Never the
 * context active where the message surfaced: nats.js calls back from its socket, whose async context is
 * whatever span was active when the connection (or the consumer's pull loop) began, and every later
 * message would otherwise join that unrelated trace.
 */
export function extractTrace(headers: MsgHdrs | undefined): Context {
  return headers ? extractTraceContext(headers, ROOT_CONTEXT) : ROOT_CONTEXT;
}
