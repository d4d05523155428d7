import { context, ROOT_CONTEXT } from '@opentelemetry/api';
import { getRPCMetadata, RPCType, setRPCMetadata } from '@opentelemetry/core';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { HttpRouteSpanProcessor } from './http-route.span-processor';

describe('HttpRouteSpanProcessor', () => {
  const provider = new BasicTracerProvider({ spanProcessors: [new HttpRouteSpanProcessor()] });
  const tracer = provider.getTracer('t');
  afterAll(() => provider.shutdown());

  function serverContext() {
    const server = tracer.startSpan('GET');
    return { server, ctx: setRPCMetadata(ROOT_CONTEXT, { type: RPCType.HTTP, span: server }) };
  }

  it('gives the route template of the first framework span to the HTTP server request', () => {
    const { ctx } = serverContext();
    tracer
      .startSpan(
        'ConnectorsController.create',
        { attributes: { 'http.route': '/api/v1/orgs/:org/connectors' } },
        ctx,
      )
      .end();
    tracer.startSpan('inner', { attributes: { 'http.route': '/:id' } }, ctx).end();
    expect(getRPCMetadata(ctx)?.route).toBe('/api/v1/orgs/:org/connectors');
  });

  it('leaves the request alone when no span names a route', () => {
    const { ctx } = serverContext();
    tracer.startSpan('middleware', { attributes: { 'http.route': '' } }, ctx).end();
    tracer.startSpan('handler', {}, ctx).end();
    expect(getRPCMetadata(ctx)?.route).toBeUndefined();
  });

  it('ignores spans outside an HTTP server request', () => {
    expect(() =>
      context.with(ROOT_CONTEXT, () => tracer.startSpan('x', { attributes: { 'http.route': '/a' } }).end()),
    ).not.toThrow();
    expect(getRPCMetadata(ROOT_CONTEXT)).toBeUndefined();
  });
});
