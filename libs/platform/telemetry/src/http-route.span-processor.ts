import type { Context } from '@opentelemetry/api';
import { getRPCMetadata, RPCType } from '@opentelemetry/core';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ATTR_HTTP_ROUTE } from '@opentelemetry/semantic-conventions';

/**
 * Hands the route template a framework span starts with (Nest's request span carries `http.route`,
 * e.g. `/api/v1/orgs/:org/connectors`) to the HTTP server span around it, which the http
 * instrumentation then names `POST /api/v1/orgs/:org/connectors` and gives the same `http.route`.
 * Without it the server span is named by the method alone, and the only path it shows is the
 * concrete one. Route templates hold no ids, addresses or query strings.
 */
export class HttpRouteSpanProcessor implements SpanProcessor {
  onStart(span: Span, parentContext: Context): void {
    const route = span.attributes[ATTR_HTTP_ROUTE];
    if (typeof route !== 'string' || route === '') return;
    const rpc = getRPCMetadata(parentContext);
    // The outermost framework span wins: it saw the whole route, not a mounted sub-path.
    if (rpc?.type === RPCType.HTTP && rpc.route === undefined) rpc.route = route;
  }

  onEnd(_span: ReadableSpan): void {
    // Nothing to do once a span ends.
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
