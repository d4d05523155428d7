import { type INestApplication, Module } from '@nestjs/common';
import { ConnectorKind, Rpc, RpcErrorCode } from '@ferry/contracts';
import { MessagingClient, MessagingModule, RpcException } from '@ferry/platform/messaging';
import { createHttpApp, listen } from '@ferry/platform/runtime';
import { natsTestNamespace, TEST_NATS_URL } from '@ferry/platform/testing';
import { GatewayApiModule } from './gateway-api.module';

const ORG = '0b6f4c3e-3d2a-4c1b-9f8e-7a6b5c4d3e2f';
const silent = { log: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined, verbose: () => undefined };

describe('the /api/v1 gateway over NATS', () => {
  const ns = natsTestNamespace('gw');
  let app: INestApplication;
  let base: string;
  const peers: MessagingClient[] = [];

  beforeAll(async () => {
    @Module({
      imports: [MessagingModule.forRoot({ servers: [TEST_NATS_URL], service: 'gateway', region: 'test', prefix: ns.prefix }), GatewayApiModule],
    })
    class TestGateway {}
    app = await createHttpApp(TestGateway, { logger: silent, bodyLimitBytes: 64 * 1024 });
    const { port } = await listen(app, { host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${port}/api/v1/orgs`;
  });
  afterAll(async () => {
    await app.close();
    await Promise.all(peers.map((p) => p.close()));
    await ns.cleanup();
  });

  const post = (org: string, body: unknown) =>
    fetch(`${base}/${org}/connectors`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('answers 503 naming the subject when no connectors service is running', async () => {
    const res = await post(ORG, { name: 'n', kind: 'imap', secret: 's' });
    expect(res.status).toBe(503);
    expect(((await res.json()) as { message: string }).message).toContain('connectors.v1.rpc.create');
  });

  it('forwards a valid request and shows the connector without its secret', async () => {
    const peer = new MessagingClient({ servers: [TEST_NATS_URL], service: 'connectors', region: 'test', prefix: ns.prefix });
    peers.push(peer);
    let received = '';
    await peer.serve(Rpc.connectors.create, async (req) => {
      received = req.secret;
      if (req.name === 'dup') throw new RpcException(RpcErrorCode.ALREADY_EXISTS, 'a connector with this name exists');
      if (req.name === 'bad') throw new RpcException(RpcErrorCode.INVALID_ARGUMENT, 'invalid connector', [{ field: 'name', reason: 'too long' }]);
      if (req.name === 'boom') throw new Error('stack detail with password=hunter2');
      return { connector: { id: 'c1', orgId: req.orgId, name: req.name, kind: req.kind, secretFingerprint: 'ab12' } };
    });
    const ok = await post(ORG.toUpperCase(), { name: 'Contoso', kind: 'google-workspace', secret: 'sek' });
    expect(ok.status).toBe(201);
    expect(await ok.json()).toEqual({ id: 'c1', orgId: ORG, name: 'Contoso', kind: 'google-workspace', createdAt: null, secretFingerprint: 'ab12' });
    expect(received).toBe('sek');
    expect(ConnectorKind.GOOGLE_WORKSPACE).toBe(2);

    const dup = await post(ORG, { name: 'dup', kind: 'imap', secret: 's' });
    expect(dup.status).toBe(409);
    const bad = await post(ORG, { name: 'bad', kind: 'imap', secret: 's' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ violations: [{ field: 'name', reason: 'too long' }] });
    const boom = await post(ORG, { name: 'boom', kind: 'imap', secret: 's' });
    expect(boom.status).toBe(500);
    expect(await boom.text()).not.toContain('hunter2');
  });

  it('refuses bodies that do not match the schema, naming fields and never echoing values', async () => {
    const res = await post(ORG, { name: '', kind: 'exchange', secret: 'do-not-echo', extra: true });
    expect(res.status).toBe(400);
    const text = await res.text();
    expect(text).not.toContain('do-not-echo');
    const fields = (JSON.parse(text) as { violations: { field: string }[] }).violations.map((v) => v.field);
    expect(fields).toEqual(expect.arrayContaining(['name', 'kind', '(body)']));
  });

  it('refuses an organisation that is not a UUID and a malformed audit limit', async () => {
    expect((await post('acme', { name: 'n', kind: 'imap', secret: 's' })).status).toBe(400);
    expect((await fetch(`${base}/${ORG}/audit?limit=abc`)).status).toBe(400);
  });
});
