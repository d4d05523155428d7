import { type INestApplication, Module } from '@nestjs/common';
import { fromBinary } from '@bufbuild/protobuf';
import { timestampDate, timestampFromDate } from '@bufbuild/protobuf/wkt';
import { AuditEventSchema, ConnectorKind, ConnectorStatus, GoogleAuth, MicrosoftAuth, Outcome, Rpc, RpcErrorCode } from '@ferry/contracts';
import { MessagingClient, MessagingModule, RpcException } from '@ferry/platform/messaging';
import { createHttpApp, listen } from '@ferry/platform/runtime';
import { natsTestNamespace, TEST_NATS_URL } from '@ferry/platform/testing';
import { connect } from 'nats';
import { GatewayApiModule } from './gateway-api.module';
import { type AccessTokenSigner, standInIdentity } from './testing/stand-in-identity';

const ORG = '0b6f4c3e-3d2a-4c1b-9f8e-7a6b5c4d3e2f';
const OTHER_ORG = '5d1e2f3a-4b5c-4d6e-8f7a-9b0c1d2e3f4a';
const ISSUER = 'urn:ferry:identity:gateway-test';
const CONNECTOR = '3c9e8f7a-6b5d-4c3e-9f1a-2b3c4d5e6f70';
const MISSING = '00000000-0000-4000-8000-0000000000ff';
const TENANT = '6f1d2c3b-4a59-4e8f-9a0b-1c2d3e4f5a6b';
const MIB = 1024 * 1024;
/** A valid create body: an IMAP master-user connector, whose password is the secret. */
const imapBody = (name: string, secret = 's') => ({ name, kind: 'imap', workloads: ['mail'], secret, imap: { host: 'imap.example.org', port: 993, security: 'implicit-tls', auth: 'master-user', masterUser: 'ferry' } });
const silent = { log: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined, verbose: () => undefined };

describe('the /api/v1 gateway over NATS', () => {
  const ns = natsTestNamespace('gw');
  let app: INestApplication;
  let base: string;
  let api: string;
  const peers: MessagingClient[] = [];
  let sign: AccessTokenSigner;
  let adminToken: string;

  const peer = () => {
    const p = new MessagingClient({ servers: [TEST_NATS_URL], service: `peer-${peers.length}`, region: 'test', prefix: ns.prefix });
    peers.push(p);
    return p;
  };

  beforeAll(async () => {
    // A stand-in identity service: publishes one ES256 key; the tests sign tokens with it.
    sign = await standInIdentity(peer(), { issuer: ISSUER, org: ORG });
    adminToken = await sign();

    @Module({
      imports: [MessagingModule.forRoot({ servers: [TEST_NATS_URL], service: 'gateway', region: 'test', prefix: ns.prefix }), GatewayApiModule.forRoot({ issuer: ISSUER, region: 'test' })],
    })
    class TestGateway {}
    // text/csv is read as text for PUT .../imap-users; the limit is above the NATS server's 1 MiB
    // max_payload, so the gateway's own bound (what the bus can carry) is what a large list meets.
    app = await createHttpApp(TestGateway, { logger: silent, bodyLimitBytes: 2 * MIB, textBodyTypes: ['text/csv'] });
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
  /** A JSON request (or a bodiless one) to a path under the organisation. */
  const send = (method: string, path: string, body?: unknown, token = adminToken) =>
    fetch(`${base}/${ORG}/${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const putCsv = (csv: string, query = '', contentType = 'text/csv') =>
    fetch(`${base}/${ORG}/connectors/${CONNECTOR}/imap-users${query}`, { method: 'PUT', headers: { 'content-type': contentType, authorization: `Bearer ${adminToken}` }, body: csv });
  const json = async <T = Record<string, unknown>>(res: Response) => (await res.json()) as T;

  it('refuses every organisation route without a valid token with 401 and a Bearer challenge', async () => {
    for (const [method, path] of [
      ['GET', `${base}/${ORG}/connectors`],
      ['POST', `${base}/${ORG}/connectors`],
      ['GET', `${base}/${ORG}/connectors/${CONNECTOR}`],
      ['PATCH', `${base}/${ORG}/connectors/${CONNECTOR}`],
      ['DELETE', `${base}/${ORG}/connectors/${CONNECTOR}`],
      ['PUT', `${base}/${ORG}/connectors/${CONNECTOR}/secret`],
      ['PUT', `${base}/${ORG}/connectors/${CONNECTOR}/imap-users`],
      ['POST', `${base}/${ORG}/connectors/${CONNECTOR}/test`],
      ['DELETE', `${base}/${ORG}/connector-credentials?project=p`],
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
    expect((await post(ORG, imapBody('n'), viewer)).status).toBe(403);
    for (const [method, path] of [
      ['PATCH', `connectors/${CONNECTOR}`],
      ['DELETE', `connectors/${CONNECTOR}`],
      ['PUT', `connectors/${CONNECTOR}/secret`],
      ['POST', `connectors/${CONNECTOR}/test`],
      ['DELETE', 'connector-credentials?project=p'],
    ] as const) {
      expect({ method, path, status: (await send(method, path, undefined, viewer)).status }).toEqual({ method, path, status: 403 });
    }
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
    const res = await post(ORG, imapBody('n'));
    expect(res.status).toBe(503);
    expect(((await res.json()) as { message: string }).message).toContain('connectors.v1.rpc.create');
  });

  it('creates a connector with the caller and its kind\'s settings, and shows it without its secret', async () => {
    let received: { secret: string; token: string; actor: string; settingsCase: string | undefined; expires: string | null } | undefined;
    await peer().serve(Rpc.connectors.create, async (req) => {
      if (req.name === 'dup') throw new RpcException(RpcErrorCode.ALREADY_EXISTS, 'a connector with this name exists');
      if (req.name === 'bad') throw new RpcException(RpcErrorCode.INVALID_ARGUMENT, 'invalid connector', [{ field: 'microsoft.tenantId', reason: 'must be the tenant id (a GUID)' }]);
      if (req.name === 'boom') throw new Error('stack detail with password=hunter2');
      received = {
        secret: req.secret,
        token: req.context?.accessToken ?? '',
        actor: req.context?.actorId ?? '',
        settingsCase: req.settings.case,
        expires: req.secretExpiresAt ? timestampDate(req.secretExpiresAt).toISOString() : null,
      };
      const now = timestampFromDate(new Date('2025-03-01T10:00:00Z'));
      return {
        connector: {
          id: CONNECTOR,
          orgId: req.orgId,
          name: req.name,
          kind: req.kind,
          status: ConnectorStatus.ACTIVE,
          version: 1,
          workloads: req.workloads,
          projectTag: req.projectTag,
          // The stand-in echoes the settings as sent, admin user included: the gateway must mask it.
          settings: req.settings,
          secrets: req.secret ? [{ field: 'service-account-key', createdAt: now, ...(req.secretExpiresAt && { expiresAt: req.secretExpiresAt }), fingerprint: '0123456789abcdef' }] : [],
          warnings: [{ field: 'service-account-key', code: 'expires-soon', message: 'rotate it before it expires' }],
          createdAt: now,
          updatedAt: now,
        },
      };
    });
    const secret = '{"type":"service_account","private_key":"planted-key"}';
    const ok = await post(ORG.toUpperCase(), {
      name: 'Fabrikam',
      kind: 'google-workspace',
      workloads: ['mail', 'directory'],
      projectTag: 'move-2026',
      secret,
      secretExpiresAt: '2026-06-30T12:00:00+02:00',
      google: { auth: 'service-account', customerId: 'C01abc2de', adminUser: 'admin@fabrikam.example' },
    });
    expect(ok.status).toBe(201);
    const text = await ok.text();
    expect(text).not.toContain('planted-key');
    expect(text).not.toContain('admin@fabrikam.example');
    expect(JSON.parse(text)).toEqual({
      id: CONNECTOR,
      orgId: ORG,
      name: 'Fabrikam',
      kind: 'google-workspace',
      status: 'active',
      version: 1,
      workloads: ['mail', 'directory'],
      projectTag: 'move-2026',
      settings: { auth: 'service-account', customerId: 'C01abc2de', adminUser: '(set)', oauthClientId: null, serviceAccountClientId: null },
      secrets: [{ field: 'service-account-key', createdAt: '2025-03-01T10:00:00.000Z', expiresAt: '2026-06-30T10:00:00.000Z', lastUsedAt: null, fingerprint: '0123456789abcdef' }],
      warnings: [{ field: 'service-account-key', code: 'expires-soon', message: 'rotate it before it expires' }],
      userCredentialCount: 0,
      createdAt: '2025-03-01T10:00:00.000Z',
      updatedAt: '2025-03-01T10:00:00.000Z',
    });
    expect(received).toEqual({ secret, token: adminToken, actor: '7a0c2b1e-0000-4000-8000-000000000001', settingsCase: 'google', expires: '2026-06-30T10:00:00.000Z' });
    expect(GoogleAuth.SERVICE_ACCOUNT).toBe(1);

    const microsoft = { auth: 'client-secret', tenantId: TENANT, clientId: TENANT };
    expect((await post(ORG, { ...imapBody('dup') })).status).toBe(409);
    const bad = await post(ORG, { name: 'bad', kind: 'microsoft-365', workloads: ['mail'], secret: 's', microsoft });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ violations: [{ field: 'microsoft.tenantId', reason: 'must be the tenant id (a GUID)' }] });
    const boom = await post(ORG, imapBody('boom'));
    expect(boom.status).toBe(500);
    expect(await boom.text()).not.toContain('hunter2');
  });

  it('refuses bodies that do not match the schema, naming fields and never echoing values', async () => {
    const res = await post(ORG, { name: '', kind: 'exchange', workloads: ['mail'], secret: 'do-not-echo', extra: true });
    expect(res.status).toBe(400);
    const text = await res.text();
    expect(text).not.toContain('do-not-echo');
    const fields = (JSON.parse(text) as { violations: { field: string }[] }).violations.map((v) => v.field);
    expect(fields).toEqual(expect.arrayContaining(['name', 'kind', '(body)']));

    const fieldsOf = async (body: unknown) => (await json<{ violations: { field: string }[] }>(await post(ORG, body))).violations.map((v) => v.field);
    expect(await fieldsOf({ ...imapBody('n'), kind: 'microsoft-365' })).toEqual(['microsoft', 'imap']);
    expect(await fieldsOf(imapBody('n', 'x'.repeat(64 * 1024 + 1)))).toEqual(['secret']);
    expect(await fieldsOf({ ...imapBody('n'), secretExpiresAt: '2026-02-30T00:00:00Z' })).toEqual(['secretExpiresAt']);
  });

  it('lists and reads connectors; an unknown one is 404 and a malformed id 400', async () => {
    const connector = (name: string) => ({
      id: CONNECTOR,
      orgId: ORG,
      name,
      kind: ConnectorKind.MICROSOFT_365,
      status: ConnectorStatus.PENDING_CONSENT,
      version: 2,
      workloads: ['mail'],
      settings: { case: 'microsoft' as const, value: { auth: MicrosoftAuth.ADMIN_CONSENT, cloud: 'global' } },
      userCredentialCount: 0,
    });
    await peer().serve(Rpc.connectors.list, async () => ({ connectors: [connector('a'), connector('b')] }));
    await peer().serve(Rpc.connectors.get, async (req) => {
      if (req.connectorId !== CONNECTOR) throw new RpcException(RpcErrorCode.NOT_FOUND, 'connector not found');
      return { connector: connector('a') };
    });
    const list = await json<{ items: { name: string; status: string; settings: { auth: string; tenantId: string | null } }[] }>(await send('GET', 'connectors'));
    expect(list.items.map((c) => c.name)).toEqual(['a', 'b']);
    expect(list.items[0]).toMatchObject({ status: 'pending-consent', settings: { auth: 'admin-consent', tenantId: null } });
    const viewer = await sign({ roles: ['viewer'] });
    const one = await send('GET', `connectors/${CONNECTOR}`, undefined, viewer);
    expect(one.status).toBe(200);
    expect(await json(one)).toMatchObject({ id: CONNECTOR, version: 2 });
    expect((await send('GET', `connectors/${MISSING}`)).status).toBe(404);
    expect((await send('GET', 'connectors/not-a-uuid')).status).toBe(400);
  });

  it('updates name, workloads and project tag, answering 409 to a stale version', async () => {
    const seen: unknown[] = [];
    await peer().serve(Rpc.connectors.update, async (req) => {
      seen.push({ name: req.name, replaceWorkloads: req.replaceWorkloads, workloads: req.workloads, projectTag: req.projectTag, expectedVersion: req.expectedVersion });
      if (req.expectedVersion === 1) throw new RpcException(RpcErrorCode.FAILED_PRECONDITION, 'the connector changed meanwhile (version 2); read it again');
      return { connector: { id: CONNECTOR, orgId: ORG, name: req.name ?? 'same', kind: ConnectorKind.IMAP, version: 3, workloads: req.workloads, status: ConnectorStatus.ACTIVE } };
    });
    const renamed = await send('PATCH', `connectors/${CONNECTOR}`, { name: 'Renamed', workloads: ['mail', 'calendar'], projectTag: null, expectedVersion: 2 });
    expect(renamed.status).toBe(200);
    expect(await json(renamed)).toMatchObject({ name: 'Renamed', version: 3, workloads: ['mail', 'calendar'] });
    expect((await send('PATCH', `connectors/${CONNECTOR}`, { projectTag: 'p-2' })).status).toBe(200);
    const stale = await send('PATCH', `connectors/${CONNECTOR}`, { name: 'x', expectedVersion: 1 });
    expect(stale.status).toBe(409);
    expect(((await json<{ message: string }>(stale)).message)).toContain('changed meanwhile');
    expect(seen).toEqual([
      { name: 'Renamed', replaceWorkloads: true, workloads: ['mail', 'calendar'], projectTag: '', expectedVersion: 2 },
      { name: undefined, replaceWorkloads: false, workloads: [], projectTag: 'p-2', expectedVersion: 0 },
      { name: 'x', replaceWorkloads: false, workloads: [], projectTag: undefined, expectedVersion: 1 },
    ]);
    expect((await send('PATCH', `connectors/${CONNECTOR}`, {})).status).toBe(400);
    expect(seen).toHaveLength(3);
  });

  it('rotates the secret write-only, and deletes a connector with its secrets', async () => {
    let rotated: { secret: string; certificatePem: string; expiresAt: string | null } | undefined;
    await peer().serve(Rpc.connectors.rotateSecret, async (req) => {
      rotated = { secret: req.secret, certificatePem: req.certificatePem, expiresAt: req.expiresAt ? timestampDate(req.expiresAt).toISOString() : null };
      return { connector: { id: CONNECTOR, orgId: ORG, name: 'n', kind: ConnectorKind.MICROSOFT_365, version: 5, secrets: [{ field: 'client-secret', fingerprint: 'fedcba9876543210' }] } };
    });
    await peer().serve(Rpc.connectors.delete, async (req) => {
      if (req.connectorId !== CONNECTOR) throw new RpcException(RpcErrorCode.NOT_FOUND, 'connector not found');
      return { secretsDeleted: 3 };
    });
    const res = await send('PUT', `connectors/${CONNECTOR}/secret`, { secret: 'new-planted-secret', expiresAt: '2027-01-01T00:00:00Z' });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).not.toContain('new-planted-secret');
    expect(JSON.parse(text)).toMatchObject({ version: 5, secrets: [{ field: 'client-secret', fingerprint: 'fedcba9876543210' }] });
    expect(rotated).toEqual({ secret: 'new-planted-secret', certificatePem: '', expiresAt: '2027-01-01T00:00:00.000Z' });
    expect((await send('PUT', `connectors/${CONNECTOR}/secret`, { expiresAt: '2027-01-01T00:00:00Z' })).status).toBe(400);

    const deleted = await send('DELETE', `connectors/${CONNECTOR}`);
    expect(deleted.status).toBe(200);
    expect(await json(deleted)).toEqual({ secretsDeleted: 3 });
    expect((await send('DELETE', `connectors/${MISSING}`)).status).toBe(404);
  });

  it('imports IMAP users from CSV: 200 when stored, 422 with the refused rows, 415 and 413 before the bus', async () => {
    const seen: { csv: string; replace: boolean }[] = [];
    await peer().serve(Rpc.connectors.importImapUsers, async (req) => {
      seen.push({ csv: req.csv, replace: req.replace });
      if (req.csv.includes('broken')) return { imported: 0, total: 2, errors: [{ line: 3, reason: 'the address is not an address' }] };
      return { imported: 2, total: 2, errors: [] };
    });
    const csv = 'address,username,password\r\nanna@example.org,anna,planted-pw-1\r\nbo@example.org,bo,planted-pw-2\r\n';
    const stored = await putCsv(csv, '?replace=true');
    expect(stored.status).toBe(200);
    expect(await json(stored)).toEqual({ imported: 2, total: 2, errors: [] });
    expect(seen).toEqual([{ csv, replace: true }]);

    const refused = await putCsv('address,username,password\nanna@example.org,anna,pw\nbroken,x,planted-pw-3\n');
    expect(refused.status).toBe(422);
    const refusedText = await refused.text();
    expect(JSON.parse(refusedText)).toEqual({ imported: 0, total: 2, errors: [{ line: 3, reason: 'the address is not an address' }] });
    expect(refusedText).not.toContain('planted-pw-3');
    expect(seen[1]?.replace).toBe(false);

    expect((await putCsv(csv, '?replace=maybe')).status).toBe(400);
    const asJson = await putCsv(JSON.stringify({ csv }), '', 'application/json');
    expect(asJson.status).toBe(415);
    // 1.5 MiB passes the HTTP limit but not the bus (max_payload 1 MiB): 413 naming the real limit.
    const large = await putCsv(`address,username,password\n${'user@example.org,user,password\n'.repeat(Math.ceil((1.5 * MIB) / 31))}`);
    expect(large.status).toBe(413);
    expect((await json<{ message: string }>(large)).message).toMatch(/the limit is 983040 bytes$/);
    expect(seen).toHaveLength(2);
  });

  it('runs a connection test (200 passed or not) and maps the service\'s refusals to 401, 403 and 429', async () => {
    let mailbox = '';
    await peer().serve(Rpc.connectors.test, async (req) => {
      mailbox = req.sampleMailbox;
      if (req.sampleMailbox === 'throttled@example.org') throw new RpcException(RpcErrorCode.RESOURCE_EXHAUSTED, 'the tenant refused or could not be reached (throttled)', [], 7);
      if (req.sampleMailbox === 'expired@example.org') throw new RpcException(RpcErrorCode.UNAUTHENTICATED, 'the access token is no longer valid');
      if (req.sampleMailbox === 'denied@example.org') throw new RpcException(RpcErrorCode.PERMISSION_DENIED, 'not allowed');
      return {
        ok: false,
        durationMs: 312,
        findings: [
          { check: 'credentials', status: 'ok', detail: 'a token was issued' },
          { check: 'permission:Mail.ReadWrite', status: 'missing', detail: 'not granted', remedy: 'Entra admin center > App registrations > API permissions: add Mail.ReadWrite (Application) and grant admin consent' },
        ],
      };
    });
    const ran = await send('POST', `connectors/${CONNECTOR}/test`);
    expect(ran.status).toBe(200);
    expect(await json(ran)).toEqual({
      ok: false,
      durationMs: 312,
      findings: [
        { check: 'credentials', status: 'ok', detail: 'a token was issued', remedy: null },
        { check: 'permission:Mail.ReadWrite', status: 'missing', detail: 'not granted', remedy: expect.stringContaining('Mail.ReadWrite') as unknown },
      ],
    });
    expect(mailbox).toBe('');
    expect((await send('POST', `connectors/${CONNECTOR}/test`, { sampleMailbox: 'user@example.org' })).status).toBe(200);
    expect(mailbox).toBe('user@example.org');
    const throttled = await send('POST', `connectors/${CONNECTOR}/test`, { sampleMailbox: 'throttled@example.org' });
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('retry-after')).toBe('7');
    expect((await send('POST', `connectors/${CONNECTOR}/test`, { sampleMailbox: 'expired@example.org' })).status).toBe(401);
    expect((await send('POST', `connectors/${CONNECTOR}/test`, { sampleMailbox: 'denied@example.org' })).status).toBe(403);
    expect((await send('POST', `connectors/${CONNECTOR}/test`, { workloads: ['mail'] })).status).toBe(400);
  });

  it('purges a completed project\'s credentials', async () => {
    let tag = '';
    await peer().serve(Rpc.connectors.purgeProject, async (req) => {
      tag = req.projectTag;
      return { connectors: 2, secretsDeleted: 5 };
    });
    const purged = await send('DELETE', 'connector-credentials?project=move-2026');
    expect(purged.status).toBe(200);
    expect(await json(purged)).toEqual({ connectors: 2, secretsDeleted: 5 });
    expect(tag).toBe('move-2026');
    const missing = await send('DELETE', 'connector-credentials');
    expect(missing.status).toBe(400);
    expect((await json<{ message: string }>(missing)).message).toBe('query parameter project must be a project tag of 1-64 characters, given once');
    expect((await send('DELETE', 'connector-credentials?project=a&project=b')).status).toBe(400);
  });

  it('refuses a malformed audit limit, and an organisation path that is not the token\'s with 404', async () => {
    expect((await post('acme', imapBody('n'))).status).toBe(404);
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
