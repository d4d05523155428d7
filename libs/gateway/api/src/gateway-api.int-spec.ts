import { type INestApplication, Module } from '@nestjs/common';
import { fromBinary } from '@bufbuild/protobuf';
import { AuditEventSchema, ConnectorKind, Outcome, Rpc, RpcErrorCode } from '@ferry/contracts';
import { MessagingClient, MessagingModule, RpcException } from '@ferry/platform/messaging';
import { createHttpApp, listen } from '@ferry/platform/runtime';
import { natsTestNamespace, TEST_NATS_URL } from '@ferry/platform/testing';
import { exportJWK, generateKeyPair, type JWTPayload, SignJWT } from 'jose';
import { connect } from 'nats';
import { GatewayApiModule } from './gateway-api.module';

const ORG = '0b6f4c3e-3d2a-4c1b-9f8e-7a6b5c4d3e2f';
const OTHER_ORG = '5d1e2f3a-4b5c-4d6e-8f7a-9b0c1d2e3f4a';
const ISSUER = 'urn:ferry:identity:gateway-test';
const silent = { log: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined, verbose: () => undefined };

describe('the /api/v1 gateway over NATS', () => {
  const ns = natsTestNamespace('gw');
  let app: INestApplication;
  let base: string;
  let api: string;
  const peers: MessagingClient[] = [];
  let sign: (claims?: JWTPayload) => Promise<string>;
  let adminToken: string;

  const peer = () => {
    const p = new MessagingClient({ servers: [TEST_NATS_URL], service: `peer-${peers.length}`, region: 'test', prefix: ns.prefix });
    peers.push(p);
    return p;
  };

  beforeAll(async () => {
    // A stand-in identity service: publishes one ES256 key; the tests sign tokens with it.
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
    await peer().serve(Rpc.identity.jwks, async () => ({ jwksJson: JSON.stringify({ keys: [jwk] }) }));
    sign = (claims = {}) => {
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({ sid: 's1', org: ORG, roles: ['org-admin'], amr: ['pwd', 'otp'], jti: `j-${Math.random()}`, ...claims })
        .setProtectedHeader({ alg: 'ES256', kid: 'k1', typ: 'at+jwt' })
        .setIssuer(ISSUER)
        .setAudience('ferry-api')
        .setSubject('7a0c2b1e-0000-4000-8000-000000000001')
        .setIssuedAt(now)
        .setNotBefore(now)
        .setExpirationTime(now + 300)
        .sign(privateKey);
    };
    adminToken = await sign();

    @Module({
      imports: [MessagingModule.forRoot({ servers: [TEST_NATS_URL], service: 'gateway', region: 'test', prefix: ns.prefix }), GatewayApiModule.forRoot({ issuer: ISSUER, region: 'test' })],
    })
    class TestGateway {}
    app = await createHttpApp(TestGateway, { logger: silent, bodyLimitBytes: 64 * 1024 });
    const { port } = await listen(app, { host: '127.0.0.1', port: 0 });
    api = `http://127.0.0.1:${port}/api/v1`;
    base = `${api}/orgs`;
  });
  afterAll(async () => {
    await app.close();
    await Promise.all(peers.map((p) => p.close()));
    await ns.cleanup();
  });

  const post = (org: string, body: unknown, token = adminToken) =>
    fetch(`${base}/${org}/connectors`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) });

  it('refuses every organisation route without a valid token with 401 and a Bearer challenge', async () => {
    for (const [method, path] of [
      ['GET', `${base}/${ORG}/connectors`],
      ['POST', `${base}/${ORG}/connectors`],
      ['GET', `${base}/${ORG}/audit`],
      ['GET', `${base}/${ORG}/accounts`],
      ['POST', base],
      ['PUT', `${base}/${ORG}/sso`],
    ] as const) {
      const res = await fetch(path, { method, headers: { authorization: 'Bearer not.a.token' } });
      expect({ path, status: res.status }).toEqual({ path, status: 401 });
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    }
  });

  it('answers 404 for another organisation and 403 for a role without the permission', async () => {
    expect((await fetch(`${base}/${OTHER_ORG}/connectors`, { headers: { authorization: `Bearer ${adminToken}` } })).status).toBe(404);
    const viewer = await sign({ roles: ['viewer'] });
    expect((await post(ORG, { name: 'n', kind: 'imap', secret: 's' }, viewer)).status).toBe(403);
    expect((await fetch(`${base}/${ORG}/audit`, { headers: { authorization: `Bearer ${viewer}` } })).status).toBe(403);
  });

  it('audits the cross-organisation attempt in the caller\'s own trail, without the token', async () => {
    const nc = await connect({ servers: TEST_NATS_URL });
    try {
      const jsm = await nc.jetstreamManager();
      const stream = `${ns.prefix.toUpperCase().replace(/-/g, '_')}_AUDIT`;
      const deadline = Date.now() + 5000;
      let actions: { action: string; outcome: Outcome; org: string; detail: Record<string, string>; raw: string }[] = [];
      while (Date.now() < deadline) {
        const info = await jsm.streams.info(stream).catch(() => undefined);
        actions = [];
        for (let seq = info?.state.first_seq ?? 1; info && seq <= info.state.last_seq; seq++) {
          const m = await jsm.streams.getMessage(stream, { seq });
          const e = fromBinary(AuditEventSchema, m.data);
          actions.push({ action: e.action, outcome: e.outcome, org: e.orgId, detail: e.detail, raw: Buffer.from(m.data).toString('latin1') });
        }
        if (actions.some((a) => a.action === 'authz.cross_org.denied')) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const denied = actions.find((a) => a.action === 'authz.cross_org.denied');
      expect(denied).toMatchObject({ outcome: Outcome.DENIED, org: ORG, detail: { permission: 'connectors.read', requested_org: OTHER_ORG } });
      expect(actions.some((a) => a.action === 'authz.permission.denied')).toBe(true);
      for (const a of actions) expect(a.raw).not.toContain(adminToken.split('.')[2]);
    } finally {
      await nc.close();
    }
  });

  it('answers 503 naming the subject when no connectors service is running', async () => {
    const res = await post(ORG, { name: 'n', kind: 'imap', secret: 's' });
    expect(res.status).toBe(503);
    expect(((await res.json()) as { message: string }).message).toContain('connectors.v1.rpc.create');
  });

  it('forwards a valid request with the caller and shows the connector without its secret', async () => {
    let received = '';
    let forwardedToken = '';
    let actor = '';
    await peer().serve(Rpc.connectors.create, async (req) => {
      received = req.secret;
      forwardedToken = req.context?.accessToken ?? '';
      actor = req.context?.actorId ?? '';
      if (req.name === 'dup') throw new RpcException(RpcErrorCode.ALREADY_EXISTS, 'a connector with this name exists');
      if (req.name === 'bad') throw new RpcException(RpcErrorCode.INVALID_ARGUMENT, 'invalid connector', [{ field: 'name', reason: 'too long' }]);
      if (req.name === 'boom') throw new Error('stack detail with password=hunter2');
      return { connector: { id: 'c1', orgId: req.orgId, name: req.name, kind: req.kind, secretFingerprint: 'ab12' } };
    });
    const ok = await post(ORG.toUpperCase(), { name: 'Contoso', kind: 'google-workspace', secret: 'sek' });
    expect(ok.status).toBe(201);
    expect(await ok.json()).toEqual({ id: 'c1', orgId: ORG, name: 'Contoso', kind: 'google-workspace', createdAt: null, secretFingerprint: 'ab12' });
    expect(received).toBe('sek');
    expect(forwardedToken).toBe(adminToken);
    expect(actor).toBe('7a0c2b1e-0000-4000-8000-000000000001');
    expect(ConnectorKind.GOOGLE_WORKSPACE).toBe(2);

    expect((await post(ORG, { name: 'dup', kind: 'imap', secret: 's' })).status).toBe(409);
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

  it('refuses a malformed audit limit, and an organisation path that is not the token\'s with 404', async () => {
    expect((await post('acme', { name: 'n', kind: 'imap', secret: 's' })).status).toBe(404);
    expect((await fetch(`${base}/${ORG}/audit?limit=abc`, { headers: { authorization: `Bearer ${adminToken}` } })).status).toBe(400);
  });

  it('keeps the sign-in routes public and maps identity throttling to 429 with Retry-After', async () => {
    let password = '';
    await peer().serve(Rpc.identity.signInWithPassword, async (req) => {
      password = req.password;
      if (req.loginName === 'slow') throw new RpcException(RpcErrorCode.RESOURCE_EXHAUSTED, 'too many attempts', [], 42);
      throw new RpcException(RpcErrorCode.UNAUTHENTICATED, 'invalid login name or password');
    });
    const signIn = (loginName: string) => fetch(`${api}/auth/signin`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ loginName, password: 'correct horse battery' }) });
    const wrong = await signIn('it-admin');
    expect(wrong.status).toBe(401);
    expect(password).toBe('correct horse battery');
    expect(await wrong.text()).not.toContain('correct horse');
    const throttled = await signIn('slow');
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('retry-after')).toBe('42');
  });

  it('publishes the JWKS over HTTP', async () => {
    const res = await fetch(`${api.replace('/api/v1', '')}/.well-known/jwks.json`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { keys: { kid: string }[] }).keys.map((k) => k.kid)).toEqual(['k1']);
  });
});
