import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ApiSession, postJson, signInAndEnrol } from './api-session';
import { startOtlpReceiver } from './otlp-receiver';
import { type PlatformProcess, startPlatformProcess } from './platform-process';

const SECRET = `e2e-planted-secret-${randomUUID()}`;
const ROTATED = `e2e-rotated-secret-${randomUUID()}`;
/**
 * An IMAP connector with a master user, whose password is the planted secret: it needs no cloud (the
 * sandbox is not running here), and loopback is on the platform's outbound allow-list.
 */
const imapConnector = (secret: string) => ({
  name: 'Contoso mail server',
  kind: 'imap',
  workloads: ['mail'],
  secret,
  imap: { host: '127.0.0.1', port: 993, security: 'implicit-tls', auth: 'master-user', masterUser: 'ferry-e2e' },
});

async function eventually<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('the walking skeleton across seven service processes', () => {
  let platform: PlatformProcess;
  let otlp: Awaited<ReturnType<typeof startOtlpReceiver>>;
  let stateDir: string;
  let api: string;
  let org = '';
  let otherOrg = '';
  let admin: ApiSession;
  let platformAdmin: ApiSession;
  const adminPassword = `e2e-org-admin-${randomUUID()}`;
  const auth = () => ({ authorization: `Bearer ${admin.accessToken}` });

  beforeAll(async () => {
    otlp = await startOtlpReceiver();
    stateDir = mkdtempSync(join(tmpdir(), 'ferry-e2e-'));
    platform = await startPlatformProcess({
      FERRY_STATE_DIR: stateDir,
      OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url,
      OTEL_BSP_SCHEDULE_DELAY: '200',
    });
    api = `${platform.gateway}/api/v1`;
    // The platform admin identity created at first start enrols TOTP, creates two organisations,
    // and the first one's org-admin signs in: the skeleton runs as that org-admin.
    const platformPassword = readFileSync(join(stateDir, 'platform-admin.password'), 'utf8').trim();
    platformAdmin = await signInAndEnrol(api, 'platform-admin', platformPassword);
    const created = await postJson(`${api}/orgs`, { name: 'Contoso', admin: { loginName: 'contoso-admin', displayName: 'IT Admin', password: adminPassword } }, platformAdmin.accessToken);
    expect(created.status).toBe(201);
    org = created.body['id'] as string;
    const other = await postJson(`${api}/orgs`, { name: 'Fabrikam', admin: { loginName: 'fabrikam-admin', displayName: 'IT Admin', password: `e2e-other-${randomUUID()}` } }, platformAdmin.accessToken);
    otherOrg = other.body['id'] as string;
    admin = await signInAndEnrol(api, 'contoso-admin', adminPassword);
  }, 180_000);

  afterAll(async () => {
    await platform?.stop();
    await otlp?.close();
    rmSync(stateDir, { recursive: true, force: true });
  }, 60_000);

  let connectorId = '';

  it('refuses the API without a token, with a forged token, and for a platform admin on customer data', async () => {
    expect((await fetch(`${api}/orgs/${org}/connectors`)).status).toBe(401);
    const [h, p] = admin.accessToken.split('.');
    const forged = await fetch(`${api}/orgs/${org}/connectors`, { headers: { authorization: `Bearer ${h}.${p}.${Buffer.from('x').toString('base64url')}` } });
    expect(forged.status).toBe(401);
    const platformOnCustomer = await fetch(`${api}/orgs/${org}/connectors`, { headers: { authorization: `Bearer ${platformAdmin.accessToken}` } });
    expect(platformOnCustomer.status).toBe(404);
  });

  it("answers 404 to an org-admin reaching into another organisation", async () => {
    const res = await fetch(`${api}/orgs/${otherOrg}/connectors`, { headers: auth() });
    expect(res.status).toBe(404);
  });

  it('creates a connector through the gateway and answers with metadata only', async () => {
    const res = await fetch(`${api}/orgs/${org}/connectors`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...auth() },
      body: JSON.stringify(imapConnector(SECRET)),
    });
    const text = await res.text();
    expect(res.status).toBe(201);
    expect(text).not.toContain(SECRET);
    const body = JSON.parse(text) as { id: string; orgId: string; kind: string; status: string; secrets: { field: string; fingerprint: string }[] };
    expect(body).toMatchObject({ orgId: org, kind: 'imap', status: 'active' });
    expect(body.secrets.map((s) => s.field)).toEqual(['master-password']);
    expect(body.secrets[0]?.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    connectorId = body.id;
    const list = (await (await fetch(`${api}/orgs/${org}/connectors`, { headers: auth() })).json()) as { items: { id: string }[] };
    expect(list.items.map((c) => c.id)).toEqual([connectorId]);
  });

  it('records the change in the audit trail, readable through the gateway', async () => {
    const record = await eventually('the audit record', async () => {
      const body = (await (await fetch(`${api}/orgs/${org}/audit?limit=500`, { headers: auth() })).json()) as { items: { action: string; actor: { id: string }; target: { id: string }; traceId: string }[] };
      return body.items.find((i) => i.action === 'connector.created');
    });
    expect(record.target.id).toBe(connectorId);
    expect(record.actor.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(record.traceId).toMatch(/^[0-9a-f]{32}$/);
  });

  it('exports one trace spanning gateway, connectors and audit', async () => {
    const body = (await (await fetch(`${api}/orgs/${org}/audit?limit=500`, { headers: auth() })).json()) as { items: { action: string; traceId: string }[] };
    const traceId = body.items.find((i) => i.action === 'connector.created')!.traceId;
    const services = await eventually('spans from three services', async () => {
      const s = new Set(otlp.spans.filter((x) => x.traceId === traceId).map((x) => x.service));
      return ['gateway', 'connectors', 'audit'].every((n) => s.has(n)) ? s : undefined;
    });
    expect([...services]).toEqual(expect.arrayContaining(['gateway', 'connectors', 'audit']));
  });

  it('reads, updates, rotates, tests and deletes a connector through the gateway', async () => {
    const url = `${api}/orgs/${org}/connectors/${connectorId}`;
    const send = (method: string, path: string, body?: unknown) =>
      fetch(`${url}${path}`, { method, headers: { ...auth(), ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const read = (await (await send('GET', '')).json()) as { version: number };
    const renamed = await send('PATCH', '', { name: 'Contoso IMAP', expectedVersion: read.version });
    expect(renamed.status).toBe(200);
    expect(await renamed.json()).toMatchObject({ name: 'Contoso IMAP', version: read.version + 1 });
    expect((await send('PATCH', '', { name: 'stale', expectedVersion: read.version })).status).toBe(409);

    const rotated = await send('PUT', '/secret', { secret: ROTATED });
    const rotatedText = await rotated.text();
    expect(rotated.status).toBe(200);
    expect(rotatedText).not.toContain(ROTATED);
    const fingerprints = (JSON.parse(rotatedText) as { secrets: { fingerprint: string }[] }).secrets.map((s) => s.fingerprint);
    expect(fingerprints).toHaveLength(1);

    // Nothing serves IMAP on loopback here, and no mailbox is named: the test runs and says what failed.
    const tested = await send('POST', '/test');
    expect(tested.status).toBe(200);
    const report = (await tested.json()) as { ok: boolean; findings: { check: string; status: string }[] };
    expect(report.ok).toBe(false);
    expect(report.findings.some((f) => f.status !== 'ok')).toBe(true);

    const deleted = await send('DELETE', '');
    expect(deleted.status).toBe(200);
    expect(await deleted.json()).toEqual({ secretsDeleted: 1 });
    expect((await send('GET', '')).status).toBe(404);
  }, 60_000);

  it('records the sign-ins and the organisation set-up in the audit trail', async () => {
    const actions = await eventually('the sign-in records', async () => {
      const body = (await (await fetch(`${api}/orgs/${org}/audit?limit=500`, { headers: auth() })).json()) as { items: { action: string }[] };
      const found = new Set(body.items.map((i) => i.action));
      return ['auth.signin.succeeded', 'auth.mfa.enrolled', 'account.created'].every((a) => found.has(a)) ? found : undefined;
    });
    expect([...actions]).toEqual(expect.arrayContaining(['auth.signin.succeeded', 'auth.mfa.enrolled', 'account.created']));
  });

  it('answers malformed and oversized bodies with 400 and 413 and a reason', async () => {
    const malformed = await fetch(`${api}/orgs/${org}/connectors`, { method: 'POST', headers: { 'content-type': 'application/json', ...auth() }, body: '{"name":' });
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { message: string }).message).toMatch(/malformed json/i);
    const huge = await fetch(`${api}/orgs/${org}/connectors`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...auth() },
      body: JSON.stringify(imapConnector('y'.repeat(2 * 1024 * 1024))),
    });
    expect(huge.status).toBe(413);
    const unknownField = await fetch(`${api}/orgs/${org}/connectors`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...auth() },
      body: JSON.stringify({ ...imapConnector('y'), extra: 1 }),
    });
    expect(unknownField.status).toBe(400);
    // Not the token's organisation, so it does not exist for the caller.
    const badOrg = await fetch(`${api}/orgs/not-a-uuid/connectors`, { headers: auth() });
    expect(badOrg.status).toBe(404);
  });

  it('keeps the planted secret, the passwords, TOTP secrets and tokens out of every exported span and log line', () => {
    const planted = [SECRET, ROTATED, adminPassword, readFileSync(join(stateDir, 'platform-admin.password'), 'utf8').trim(), admin.totpSecret, platformAdmin.totpSecret, admin.accessToken, admin.refreshToken, platformAdmin.refreshToken, ...admin.recoveryCodes];
    expect(otlp.bodies.length).toBeGreaterThan(0);
    const logs = readdirSync(join(stateDir, 'logs')).map((f) => readFileSync(join(stateDir, 'logs', f), 'utf8'));
    expect(logs.join('').length).toBeGreaterThan(0);
    for (const value of planted) {
      for (const body of otlp.bodies) expect(body).not.toContain(value);
      for (const log of logs) expect(log).not.toContain(value);
      expect(platform.output()).not.toContain(value);
    }
  });

  it('stops every process cleanly on Ctrl-C', async () => {
    const code = await platform.stop();
    expect(code).toBe(0);
    expect(platform.output()).not.toMatch(/exited unexpectedly/);
  }, 60_000);
});
