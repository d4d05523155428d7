import { createHash, randomBytes } from 'node:crypto';
import { type INestApplication, Module } from '@nestjs/common';
import { ConnectorKind, ConnectorStatus, MicrosoftAuth, Rpc, RpcErrorCode } from '@ferry/contracts';
import { MessagingClient, MessagingModule, RpcException } from '@ferry/platform/messaging';
import { createHttpApp, listen } from '@ferry/platform/runtime';
import { natsTestNamespace, TEST_NATS_URL } from '@ferry/platform/testing';
import { GatewayApiModule } from '../gateway-api.module';
import { type AccessTokenSigner, standInIdentity } from '../testing/stand-in-identity';

const ORG = '0b6f4c3e-3d2a-4c1b-9f8e-7a6b5c4d3e2f';
const CONNECTOR = '3c2b1a09-8f7e-4d6c-9b5a-4f3e2d1c0b9a';
const ISSUER = 'urn:ferry:identity:gateway-onboarding-test';
const STATE = 'S'.repeat(43);
/** The sign-in the stand-in service answers after Entra's consent redirect. */
const CONTINUE = `https://login.example/11111111-2222-4333-8444-555555555555/oauth2/v2.0/authorize?state=${'V'.repeat(43)}&code_challenge=c`;
/** What the stand-in connectors service answers as a flow's browser binding. */
const BINDING = randomBytes(32).toString('base64url');
const silent = { log: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined, verbose: () => undefined };

/** What the stand-in connectors service answers next, and what it received. */
interface Completions {
  failWith: RpcErrorCode | null;
  /** The browser binding the next delegation start answers. */
  binding: string;
  /** The continuation the next consent callback answers. */
  continueUrl: string;
  readonly received: { subject: string; query: string; browserBinding?: string; sourceAddress: string; userAgent: string }[];
}

describe('connector onboarding routes of the gateway', () => {
  const ns = natsTestNamespace('gw-onboarding');
  let app: INestApplication;
  let api: string;
  let sign: AccessTokenSigner;
  let admin: string;
  const peers: MessagingClient[] = [];
  const started: unknown[] = [];
  const completions: Completions = { failWith: null, binding: BINDING, continueUrl: CONTINUE, received: [] };

  beforeAll(async () => {
    const peer = new MessagingClient({ servers: [TEST_NATS_URL], service: 'connectors', region: 'test', prefix: ns.prefix });
    peers.push(peer);
    sign = await standInIdentity(peer, { issuer: ISSUER, org: ORG });
    await peer.serve(Rpc.connectors.startConsent, async (req) => {
      started.push(req);
      return {
        connector: { id: CONNECTOR, orgId: req.orgId, name: req.name, kind: ConnectorKind.MICROSOFT_365, status: ConnectorStatus.PENDING_CONSENT, version: 1, workloads: req.workloads, settings: { case: 'microsoft' as const, value: { auth: MicrosoftAuth.ADMIN_CONSENT, clientId: 'app' } } },
        consentUrl: `https://login.example/organizations/v2.0/adminconsent?state=${STATE}`,
      };
    });
    await peer.serve(Rpc.connectors.startDelegation, async (req) => {
      started.push(req);
      return { authorizationUrl: `https://login.example/t/oauth2/v2.0/authorize?state=${STATE}&code_challenge=c`, browserBinding: completions.binding };
    });
    const complete = (subject: string) => async (req: { query: string; browserBinding?: string; context?: { sourceAddress: string; userAgent: string } }) => {
      completions.received.push({
        subject,
        query: req.query,
        ...(subject === 'delegation' && { browserBinding: req.browserBinding }),
        sourceAddress: req.context?.sourceAddress ?? '',
        userAgent: req.context?.userAgent ?? '',
      });
      // The service's own words: the page must not show them either.
      if (completions.failWith !== null) throw new RpcException(completions.failWith, 'service detail <b>not for the page</b>');
      // As the service does: a grant completes only with its flow's binding.
      if (subject === 'delegation' && req.browserBinding !== BINDING) throw new RpcException(RpcErrorCode.UNAUTHENTICATED, 'the grant must be completed in the browser that started it');
      return { orgId: ORG, connectorId: CONNECTOR, userCredentialCount: 1, continueUrl: subject === 'consent' ? completions.continueUrl : '' };
    };
    await peer.serve(Rpc.connectors.completeConsent, complete('consent'));
    await peer.serve(Rpc.connectors.verifyConsent, complete('consent/verify'));
    await peer.serve(Rpc.connectors.completeDelegation, complete('delegation'));
    admin = await sign();

    @Module({
      imports: [MessagingModule.forRoot({ servers: [TEST_NATS_URL], service: 'gateway', region: 'test', prefix: ns.prefix }), GatewayApiModule.forRoot({ issuer: ISSUER, region: 'test' })],
    })
    class TestGateway {}
    app = await createHttpApp(TestGateway, { logger: silent, bodyLimitBytes: 64 * 1024 });
    const { port } = await listen(app, { host: '127.0.0.1', port: 0 });
    api = `http://127.0.0.1:${port}/api/v1`;
  });
  afterAll(async () => {
    await app.close();
    await Promise.all(peers.map((p) => p.close()));
    await ns.cleanup();
  });
  beforeEach(() => {
    completions.failWith = null;
    completions.binding = BINDING;
    completions.continueUrl = CONTINUE;
    completions.received.length = 0;
    started.length = 0;
  });

  const post = (path: string, body: unknown, token = admin) =>
    fetch(`${api}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
  const callback = (path: string, query: string, cookie?: string) =>
    fetch(`${api}/connectors/${path}/callback${query}`, { headers: { 'user-agent': 'browser/1', ...(cookie && { cookie }) }, redirect: 'manual' });
  const binding = async () => {
    const res = await post(`/orgs/${ORG}/connectors/${CONNECTOR}/delegations`, {});
    return (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  };

  describe('admin consent', () => {
    it('starts for connectors.manage only, forwarding the token, and answers the connector and the link', async () => {
      expect((await fetch(`${api}/orgs/${ORG}/connectors/consent`, { method: 'POST' })).status).toBe(401);
      expect((await post(`/orgs/${ORG}/connectors/consent`, { name: 'T', workloads: ['mail'] }, await sign({ roles: ['viewer'] }))).status).toBe(403);
      const res = await post(`/orgs/${ORG}/connectors/consent`, { name: 'Tailspin', workloads: ['mail'], projectTag: 'p1' });
      expect(res.status).toBe(201);
      const body = (await res.json()) as { connector: unknown; consentUrl: string };
      expect(body.connector).toMatchObject({ id: CONNECTOR, status: 'pending-consent', settings: { auth: 'admin-consent' } });
      expect(body.consentUrl).toContain(STATE);
      expect(started[0]).toMatchObject({ orgId: ORG, name: 'Tailspin', workloads: ['mail'], projectTag: 'p1', context: { accessToken: admin } });
    });

    it('refuses unknown body fields with a 400 naming them, before any RPC', async () => {
      const res = await post(`/orgs/${ORG}/connectors/consent`, { name: 'T', workloads: ['mail'], tenantId: 'x' });
      expect(res.status).toBe(400);
      expect(started).toEqual([]);
    });

    it("takes Entra's callback without a token, forwards the raw query and the source, and sends the browser on to the service's verification sign-in", async () => {
      const query = `?admin_consent=True&tenant=t&state=${STATE}&error_description=${encodeURIComponent('<script>alert(1)</script>')}`;
      const res = await callback('consent', query);
      expect(res.status).toBe(302);
      expect(res.headers.get('location')).toBe(CONTINUE);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(completions.received).toEqual([{ subject: 'consent', query: query.slice(1), sourceAddress: '127.0.0.1', userAgent: 'browser/1' }]);
      expect(await res.text()).not.toMatch(/script|alert|tenant=|S{43}/);
    });

    it.each([
      ['none', ''],
      ['a plain-http one', 'http://login.example/t/oauth2/v2.0/authorize'],
      ['a relative one', '/somewhere'],
    ])('answers "not completed" and redirects nowhere when the service answers %s as the continuation', async (_what, answered) => {
      completions.continueUrl = answered;
      const res = await callback('consent', `?admin_consent=True&tenant=t&state=${STATE}`);
      expect(res.status).toBe(500);
      expect(res.headers.get('location')).toBeNull();
      expect(await res.text()).toContain('Not completed');
    });

    it('takes the verification callback without a token, forwards the raw query and the source, and answers a fixed page', async () => {
      const query = `?code=c0de&state=${STATE}&session_state=x${encodeURIComponent('<script>alert(1)</script>')}`;
      const res = await callback('consent/verify', query);
      expect(res.status).toBe(200);
      expect(completions.received).toEqual([{ subject: 'consent/verify', query: query.slice(1), sourceAddress: '127.0.0.1', userAgent: 'browser/1' }]);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
      const page = await res.text();
      expect(page).toContain('Consent recorded');
      expect(page).not.toMatch(/script|alert|c0de|S{43}/);
    });

    it.each([
      [RpcErrorCode.PERMISSION_DENIED, 403, 'Access not granted'],
      [RpcErrorCode.FAILED_PRECONDITION, 409, 'Link no longer valid'],
      [RpcErrorCode.INVALID_ARGUMENT, 400, 'Incomplete answer'],
      [RpcErrorCode.UNAUTHENTICATED, 403, 'Different browser'],
      [RpcErrorCode.UNAVAILABLE, 503, 'Try again later'],
      [RpcErrorCode.INTERNAL, 500, 'Not completed'],
    ])('answers a refusal (code %s) with %s and its fixed page, never the service message', async (code, status, title) => {
      completions.failWith = code;
      for (const path of ['consent', 'consent/verify']) {
        const res = await callback(path, `?state=${STATE}&error=access_denied`);
        expect(res.status).toBe(status);
        const page = await res.text();
        expect(page).toContain(title);
        expect(page).not.toContain('not for the page');
      }
    });

    it.each([
      ['no state', '?admin_consent=True'],
      ['two states', `?state=${STATE}&state=${STATE}`],
      ['an oversized query', `?state=${STATE}&x=${'a'.repeat(9000)}`],
    ])('answers a callback with %s as incomplete without asking the service', async (_what, query) => {
      for (const path of ['consent', 'consent/verify']) {
        const res = await callback(path, query);
        expect(res.status).toBe(400);
      }
      expect(completions.received).toEqual([]);
    });
  });

  describe('delegated grants', () => {
    it("starts for connectors.manage only and puts the service's browser binding in a host-only, HttpOnly cookie", async () => {
      expect((await post(`/orgs/${ORG}/connectors/${CONNECTOR}/delegations`, {}, await sign({ roles: ['viewer'] }))).status).toBe(403);
      const res = await post(`/orgs/${ORG}/connectors/${CONNECTOR}/delegations`, { loginHint: 'ada@fabrikam.example' });
      expect(res.status).toBe(201);
      expect(((await res.json()) as { authorizationUrl: string }).authorizationUrl).toContain(`state=${STATE}`);
      expect(started[0]).toMatchObject({ ref: { orgId: ORG, connectorId: CONNECTOR, context: { accessToken: admin } }, loginHint: 'ada@fabrikam.example' });
      const cookie = res.headers.get('set-cookie') ?? '';
      expect(cookie).toBe(`__Host-ferry-delegation=${BINDING}; Max-Age=1800; Path=/; HttpOnly; Secure; SameSite=Lax`);
      // The cookie is not the state, nor its stored hash.
      expect(cookie).not.toContain(STATE);
      expect(cookie).not.toContain(createHash('sha256').update(STATE).digest('hex'));
    });

    it.each([
      ['none', ''],
      ['a value that could split the header', 'x; Domain=evil.example'],
    ])('hands out no link, and sets no cookie, when the service answers %s as the binding', async (_what, answered) => {
      completions.binding = answered;
      const res = await post(`/orgs/${ORG}/connectors/${CONNECTOR}/delegations`, {});
      expect(res.status).toBe(503);
      expect(res.headers.get('set-cookie')).toBeNull();
      expect(await res.text()).not.toContain('login.example');
    });

    it('completes in the browser that started it: the cookie goes back to the service as it was set, and is cleared', async () => {
      const cookie = await binding();
      const res = await callback('delegations', `?state=${STATE}&code=c0de`, `other=1; ${cookie}`);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('Access granted');
      expect(completions.received).toEqual([{ subject: 'delegation', query: `state=${STATE}&code=c0de`, browserBinding: BINDING, sourceAddress: '127.0.0.1', userAgent: 'browser/1' }]);
      expect(res.headers.get('set-cookie')).toMatch(/^__Host-ferry-delegation=; Max-Age=0;/);
    });

    it('leaves the judgement of a browser without the binding to the service (which spends the state and audits), and shows the different-browser page', async () => {
      const res = await callback('delegations', `?state=${STATE}&code=c0de`);
      expect(res.status).toBe(403);
      expect(await res.text()).toContain('Different browser');
      expect(completions.received).toEqual([expect.objectContaining({ subject: 'delegation', browserBinding: '' })]);
      expect(res.headers.get('set-cookie')).toMatch(/^__Host-ferry-delegation=; Max-Age=0;/);
    });

    it('passes on a wrong binding as received (bounded), for the service to refuse', async () => {
      const res = await callback('delegations', `?state=${STATE}&code=c0de`, `__Host-ferry-delegation=${'w'.repeat(500)}`);
      expect(res.status).toBe(403);
      expect(await res.text()).toContain('Different browser');
      expect(completions.received).toEqual([expect.objectContaining({ browserBinding: 'w'.repeat(128) })]);
    });

    it('answers a delegation callback without a state as incomplete without asking the service', async () => {
      const res = await callback('delegations', '?code=c0de', await binding());
      expect(res.status).toBe(400);
      expect(completions.received).toEqual([]);
    });
  });
});
