import { type ChildProcess, spawn } from 'node:child_process';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { type INestApplication, Module } from '@nestjs/common';
import { fromBinary } from '@bufbuild/protobuf';
import { type AuditEvent, AuditEventSchema, Outcome, Rpc, RpcErrorCode } from '@ferry/contracts';
import { MessagingClient, MessagingModule, RpcException } from '@ferry/platform/messaging';
import { createHttpApp, listen } from '@ferry/platform/runtime';
import { freePort, installSpanCapture, natsTestNamespace, RecordingLogger, type SpanCapture, TEST_NATS_URL } from '@ferry/platform/testing';
import { context, trace } from '@opentelemetry/api';
import { connect } from 'nats';
import { GatewayApiModule } from '../gateway-api.module';
import { type AccessTokenSigner, standInIdentity } from '../testing/stand-in-identity';
import { ApiCallRecorder } from './api-call.recorder';

const ORG = '0b6f4c3e-3d2a-4c1b-9f8e-7a6b5c4d3e2f';
const OTHER_ORG = '5d1e2f3a-4b5c-4d6e-8f7a-9b0c1d2e3f4a';
const SID = '5e55e55e-1111-4000-8000-00000000a11c';
const ISSUER = 'urn:ferry:identity:api-call-test';
const PLANTED_ADDRESS = 'alice.planted@contoso.example';
const silent = { log: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined, verbose: () => undefined };

interface Stored {
  readonly subject: string;
  readonly msgId: string;
  readonly event: AuditEvent;
  readonly raw: string;
}

/**
 * Gives each request a server span for the duration of its handling, as the HTTP instrumentation
 * does in a service (it wraps the server's 'request' listener the same way), ended when the
 * connection is done with the answer: before the api.call record is published.
 */
function traceRequests(server: Server): void {
  const [handle] = server.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[];
  if (!handle) throw new Error('the HTTP server has no request listener');
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const span = trace.getTracer('test-http').startSpan(`HTTP ${req.method ?? ''}`, { attributes: { 'test.call': String(req.headers['x-test-call'] ?? '') } });
    res.once('close', () => span.end());
    context.with(trace.setSpan(context.active(), span), () => handle(req, res));
  });
}

/** A gateway in a Nest app on `natsUrl` with a stand-in identity (JWKS) and a connectors service answering the list. */
async function startGateway(natsUrl: string, prefix: string, logger: object = silent) {
  const peer = new MessagingClient({ servers: [natsUrl], service: 'peer', region: 'test', prefix, maxConnectBackoffMs: 500 });
  const sign: AccessTokenSigner = await standInIdentity(peer, { issuer: ISSUER, org: ORG });
  await peer.serve(Rpc.connectors.list, async () => ({ connectors: [] }));
  // A slow answer, for a client that gives up first.
  await peer.serve(Rpc.connectors.get, async () => {
    await new Promise((r) => setTimeout(r, 1500));
    throw new RpcException(RpcErrorCode.NOT_FOUND, 'no such connector');
  });

  @Module({
    imports: [
      MessagingModule.forRoot({ servers: [natsUrl], service: 'gateway', region: 'test', prefix, maxConnectBackoffMs: 500 }),
      GatewayApiModule.forRoot({ issuer: ISSUER, region: 'test' }),
    ],
  })
  class TestGateway {}
  const app: INestApplication = await createHttpApp(TestGateway, { logger: logger as typeof silent, bodyLimitBytes: 1024 * 1024 });
  traceRequests(app.getHttpServer() as Server);
  const { port } = await listen(app, { host: '127.0.0.1', port: 0 });
  return {
    app,
    sign,
    api: `http://127.0.0.1:${port}/api/v1`,
    async close() {
      await app.close();
      await peer.close();
    },
  };
}

describe('api.call audit records of authenticated calls', () => {
  const ns = natsTestNamespace('apicall');
  let gw: Awaited<ReturnType<typeof startGateway>>;
  let token: string;
  let spans: SpanCapture;

  beforeAll(async () => {
    spans = installSpanCapture();
    gw = await startGateway(TEST_NATS_URL, ns.prefix);
    token = await gw.sign({ sid: SID });
  });
  afterAll(async () => {
    await gw?.close();
    await spans?.uninstall();
    await ns.cleanup();
  });

  const get = (path: string, bearer = token) => fetch(`${gw.api}${path}`, { headers: { authorization: `Bearer ${bearer}`, 'user-agent': 'api-call-test/1' } });

  /** Every stored audit message, read until `until` holds for them or 10 s pass. */
  async function stored(until: (all: Stored[]) => boolean): Promise<Stored[]> {
    const nc = await connect({ servers: TEST_NATS_URL });
    try {
      const jsm = await nc.jetstreamManager();
      const stream = `${ns.prefix.toUpperCase()}_AUDIT`;
      const deadline = Date.now() + 10_000;
      for (;;) {
        const info = await jsm.streams.info(stream).catch(() => undefined);
        const all: Stored[] = [];
        for (let seq = Math.max(info?.state.first_seq ?? 1, 1); info && info.state.messages > 0 && seq <= info.state.last_seq; seq++) {
          const m = await jsm.streams.getMessage(stream, { seq });
          all.push({ subject: m.subject, msgId: m.header.get('Nats-Msg-Id'), event: fromBinary(AuditEventSchema, m.data), raw: Buffer.from(m.data).toString('latin1') });
        }
        if (until(all) || Date.now() > deadline) return all;
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      await nc.close();
    }
  }
  const apiCalls = (all: Stored[], route: string) => all.filter((s) => s.event.action === 'api.call' && s.event.target?.id === route);

  it("records a call in the caller's organisation and session: route template, status and duration, on the organisation's subject with its id as Nats-Msg-Id", async () => {
    const res = await get(`/orgs/${ORG}/connectors?mailbox=${encodeURIComponent(PLANTED_ADDRESS)}&access_token=${token}`);
    expect(res.status).toBe(200);
    const [call, ...more] = apiCalls(await stored((all) => apiCalls(all, 'GET /api/v1/orgs/:org/connectors').length > 0), 'GET /api/v1/orgs/:org/connectors');
    expect(more).toEqual([]);
    expect(call?.subject).toBe(`${ns.prefix}.audit.v1.events.test.${ORG}`);
    expect(call?.msgId).toBe(call?.event.id);
    expect(call?.event).toMatchObject({
      orgId: ORG,
      sessionId: SID,
      actor: { id: '7a0c2b1e-0000-4000-8000-000000000001' },
      outcome: Outcome.SUCCESS,
      sourceAddress: '127.0.0.1',
      userAgent: 'api-call-test/1',
      detail: { method: 'GET', route: '/api/v1/orgs/:org/connectors', status: '200', duration_ms: expect.stringMatching(/^\d+$/) as unknown },
    });
  });

  it("names the trace of the call's request, although its span ended before the record was published", async () => {
    const res = await fetch(`${gw.api}/orgs/${ORG}/connectors`, { headers: { authorization: `Bearer ${token}`, 'x-test-call': 'traced-1' } });
    expect(res.status).toBe(200);
    const server = (await spans.finished()).find((s) => s.attributes['test.call'] === 'traced-1');
    expect(server?.spanContext().traceId).toMatch(/^[0-9a-f]{32}$/);
    const all = await stored((s) => s.some((x) => x.event.traceId === server?.spanContext().traceId));
    expect(all.filter((x) => x.event.traceId === server?.spanContext().traceId).map((x) => x.event.action)).toEqual(['api.call']);
  });

  it('records a call its client gave up on before the answer as failed and aborted, without a status, in its trace', async () => {
    const CONNECTOR = '3c9e8f7a-6b5d-4c3e-9f1a-2b3c4d5e6f70';
    const abandon = new AbortController();
    const call = fetch(`${gw.api}/orgs/${ORG}/connectors/${CONNECTOR}`, { headers: { authorization: `Bearer ${token}`, 'x-test-call': 'abandoned-1' }, signal: abandon.signal });
    setTimeout(() => abandon.abort(), 300);
    await expect(call).rejects.toThrow();
    const all = await stored((s) => apiCalls(s, 'GET /api/v1/orgs/:org/connectors/:id').some((x) => x.event.detail['aborted'] === 'true'));
    const [abandoned] = apiCalls(all, 'GET /api/v1/orgs/:org/connectors/:id').filter((x) => x.event.detail['aborted'] === 'true');
    expect(abandoned?.event).toMatchObject({ outcome: Outcome.FAILURE, sessionId: SID, detail: { status: '', aborted: 'true' } });
    const server = (await spans.finished()).find((s) => s.attributes['test.call'] === 'abandoned-1');
    expect(abandoned?.event.traceId).toBe(server?.spanContext().traceId);
  });

  it('records a refused call by its route template, never the concrete path, query, token or an address planted in them', async () => {
    const res = await get(`/orgs/${ORG}/connectors/${encodeURIComponent(PLANTED_ADDRESS)}?token=${token}&password=hunter2-planted`);
    expect(res.status).toBe(400);
    const refused = (s: Stored[]) => apiCalls(s, 'GET /api/v1/orgs/:org/connectors/:id').filter((x) => x.event.detail['status'] === '400');
    const all = await stored((s) => refused(s).length > 0);
    expect(refused(all)[0]?.event).toMatchObject({
      outcome: Outcome.DENIED,
      sessionId: SID,
      detail: { status: '400', route: '/api/v1/orgs/:org/connectors/:id' },
    });
    const signature = token.split('.')[2] ?? '';
    for (const { raw } of all) {
      for (const planted of [signature, PLANTED_ADDRESS, 'contoso', 'hunter2', 'mailbox=', 'access_token', 'password=']) expect(raw).not.toContain(planted);
    }
  });

  it("records a call the guard refuses (another organisation's 404, a missing permission's 403) besides the denial record", async () => {
    expect((await get(`/orgs/${OTHER_ORG}/connectors`)).status).toBe(404);
    const viewer = await gw.sign({ sid: SID, roles: ['viewer'] });
    expect((await fetch(`${gw.api}/orgs/${ORG}/audit`, { headers: { authorization: `Bearer ${viewer}` } })).status).toBe(403);
    const all = await stored((s) => s.some((x) => x.event.detail['status'] === '404') && s.some((x) => x.event.detail['status'] === '403'));
    const refused = all.filter((s) => s.event.action === 'api.call' && ['403', '404'].includes(s.event.detail['status'] ?? ''));
    expect(refused.map((s) => [s.event.detail['status'], s.event.orgId, s.event.outcome]).sort()).toEqual([
      ['403', ORG, Outcome.DENIED],
      ['404', ORG, Outcome.DENIED],
    ]);
    expect(all.some((s) => s.event.action === 'authz.cross_org.denied')).toBe(true);
  });

  it('records nothing for calls without a verified access token', async () => {
    expect((await get(`/orgs/${ORG}/connectors`, 'not.a.token')).status).toBe(401);
    expect((await fetch(`${gw.api}/orgs/${ORG}/connectors`)).status).toBe(401);
    expect((await fetch(new URL('/.well-known/jwks.json', gw.api), { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    // A marker call made after them: once it is stored, theirs would have been too.
    const marker = await gw.sign({ sid: '5e55e55e-2222-4000-8000-0000000000ff' });
    expect((await get(`/orgs/${ORG}/connectors`, marker)).status).toBe(200);
    const all = await stored((s) => s.some((x) => x.event.sessionId === '5e55e55e-2222-4000-8000-0000000000ff'));
    expect(all.filter((s) => s.event.action === 'api.call').map((s) => s.event.detail['status'])).not.toContain('401');
    expect(all.every((s) => s.event.action !== 'api.call' || s.event.sessionId !== '')).toBe(true);
  });
});

/** A nats-server without JetStream: requests and replies work, the audit stream does not exist. Clients retry until it listens. */
async function startNatsWithoutJetStream(): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await freePort();
  const child: ChildProcess = spawn('nats-server', ['-a', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  return {
    url: `nats://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

describe('api.call records when the audit stream is unavailable', () => {
  it('answers every call as usual, drops the records, and counts and logs the drops without their content', async () => {
    const nats = await startNatsWithoutJetStream();
    const logger = new RecordingLogger();
    const gw = await startGateway(nats.url, 'nojs', logger);
    try {
      const token = await gw.sign({ sid: SID });
      const statuses: number[] = [];
      for (let i = 0; i < 20; i += 1) {
        const res = await fetch(`${gw.api}/orgs/${ORG}/connectors?mailbox=${encodeURIComponent(PLANTED_ADDRESS)}`, { headers: { authorization: `Bearer ${token}` } });
        statuses.push(res.status);
        await res.arrayBuffer();
      }
      expect(statuses).toEqual(Array.from({ length: 20 }, () => 200));
      const recorder = gw.app.get(ApiCallRecorder);
      const deadline = Date.now() + 10_000;
      while (recorder.stats().droppedFailed < 20 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(recorder.stats()).toMatchObject({ inFlight: 0, published: 0, droppedFailed: 20 });
      expect(logger.at('warn').filter((l) => l.includes('dropped') && l.includes('refused by the stream'))).not.toEqual([]);
      for (const { text: line } of logger.entries) {
        expect(line).not.toContain(PLANTED_ADDRESS);
        expect(line).not.toContain(token.split('.')[2]);
      }
    } finally {
      await gw.close();
      await nats.stop();
    }
  }, 60_000);
});
