import { create, toBinary } from '@bufbuild/protobuf';
import { ConnectorKind, ConnectorSchema, Rpc } from '@ferry/contracts';
import { natsTestNamespace, TEST_NATS_URL } from '@ferry/platform/testing';
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { connect } from 'nats';
import type { MessagingClient } from './messaging.client';
import { client, eventually, workEvent } from './testing/fixtures';

describe('trace context across NATS', () => {
  const exporter = new InMemorySpanExporter();
  const ns = natsTestNamespace('trace');
  const clients: MessagingClient[] = [];
  const cleanups: (() => Promise<void>)[] = [];

  beforeAll(() => {
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    trace.setGlobalTracerProvider(provider);
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await ns.cleanup();
    for (const cleanup of cleanups) await cleanup();
    trace.disable();
    context.disable();
    propagation.disable();
  });

  it('continues the caller trace in the RPC handler and in a JetStream consumer it publishes to', async () => {
    const server = client(TEST_NATS_URL, ns.prefix, 'connectors');
    const worker = client(TEST_NATS_URL, ns.prefix, 'audit');
    const caller = client(TEST_NATS_URL, ns.prefix, 'gateway');
    clients.push(server, worker, caller);
    let consumedTrace = '';
    await worker.consume(workEvent, { durable: 'traced' }, async () => {
      consumedTrace = trace.getActiveSpan()?.spanContext().traceId ?? 'none';
    });
    await server.serve(Rpc.connectors.list, async (req) => {
      await server.publish(workEvent, { region: 'r', org: req.orgId }, { id: 'e' }, { msgId: 'e' });
      return { connectors: [{ id: 'c', orgId: req.orgId, name: 'n', kind: ConnectorKind.IMAP }] };
    });

    const root = trace.getTracer('test').startSpan('http request');
    const rootTrace = root.spanContext().traceId;
    await context.with(trace.setSpan(context.active(), root), () =>
      caller.request(Rpc.connectors.list, { orgId: 'o1' }),
    );
    root.end();

    await eventually(() => consumedTrace !== '');
    expect(consumedTrace).toBe(rootTrace);
    const names = () =>
      exporter
        .getFinishedSpans()
        .filter((s) => s.spanContext().traceId === rootTrace)
        .map((s) => s.name);
    // The consumer span ends after its handler returns; wait for it rather than race it.
    await eventually(() => names().includes('process test.v1.work'));
    expect(names()).toEqual(
      expect.arrayContaining([
        'send connectors.v1.rpc.list',
        'process connectors.v1.rpc.list',
        'publish test.v1.work',
        'process test.v1.work',
      ]),
    );
  });

  it('starts a new trace for a message that carries none, whatever span was active when the consumer started', async () => {
    // Its own namespace: a work-queue stream allows one consumer per subject, and the test above has one.
    const own = natsTestNamespace('trace-untraced');
    const worker = client(TEST_NATS_URL, own.prefix, 'migration');
    clients.push(worker);
    cleanups.push(() => own.cleanup());
    const handled: string[] = [];
    // A consumer started inside some span (start-up work): its pull loop runs in that span's context.
    const startUp = trace.getTracer('test').startSpan('start-up');
    await context.with(trace.setSpan(context.active(), startUp), () =>
      worker.consume(workEvent, { durable: 'untraced' }, async () => {
        handled.push(trace.getActiveSpan()?.spanContext().traceId ?? 'none');
      }),
    );
    startUp.end();

    // Published by something outside Ferry's client: no trace headers at all.
    const nc = await connect({ servers: TEST_NATS_URL });
    try {
      const body = toBinary(ConnectorSchema, create(ConnectorSchema, { id: 'untraced' }));
      for (const org of ['o2', 'o3'])
        await nc.jetstream().publish(worker.naming.subject(`test.v1.work.r.${org}`), body);
    } finally {
      await nc.close();
    }

    await eventually(() => handled.length === 2);
    for (const traceId of handled) expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(handled).not.toContain(startUp.spanContext().traceId);
    expect(handled[0]).not.toBe(handled[1]);
  });
});
