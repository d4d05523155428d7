import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type SpanRecord } from '@ferry/platform/telemetry';
import { type Sandbox, startTestSandbox } from '@ferry/sandbox';
import { type ApiSession, postJson } from './api-session';
import { ApiClient } from './migration-api';
import { MIGRATION_SCENARIO, SandboxInspector } from './migration-sandbox';
import type { PlatformProcess } from './platform-process';
import { createSandboxConnectors, startSandboxPlatform } from './sandbox-platform';

/** One line of a service's NDJSON trace file (FERRY_TRACE_FILE, written after redaction). */
type SpanLine = SpanRecord;

interface AuditItem {
  readonly action: string;
  readonly target: { readonly type: string; readonly id: string };
  readonly traceId: string;
}

// Planted in headers, query strings, bodies (and so NATS payloads and rows) and sign-in attempts.
const TOKEN = `tok-planted-${randomBytes(12).toString('hex')}`;
const ADDRESS = `planted.${randomBytes(4).toString('hex')}@example.org`;
const JWT = `eyJhbGciOiJIUzI1NiJ9.${Buffer.from(`{"sub":"${ADDRESS}"}`).toString('base64url')}.c2lnbmF0dXJlLXBsYW50ZWQ`;
const ADMIN_PASSWORD = `e2e-trace-admin-${randomUUID()}`;
const PASS_TIMEOUT_MS = 120_000;
const PASS_ROUTE = 'POST /api/v1/orgs/:org/migration/projects/:project/passes';

async function eventually<T>(what: string, probe: () => T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The text of every file in `dir` (none when it does not exist). */
function filesIn(dir: string): string[] {
  try {
    return readdirSync(dir).map((f) => readFileSync(join(dir, f), 'utf8'));
  } catch {
    return [];
  }
}

function spansIn(stateDir: string): SpanLine[] {
  return filesIn(join(stateDir, 'traces')).flatMap((text) =>
    text
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .flatMap((line) => {
        try {
          return [JSON.parse(line) as SpanLine];
        } catch {
          return []; // a line still being appended
        }
      }),
  );
}

describe('one redacted trace per request across the service processes', () => {
  let sandbox: Sandbox;
  let platform: PlatformProcess;
  let stateDir: string;
  let api = '';
  let org = '';
  let client: ApiClient;
  let admin: ApiSession;
  const planted: string[] = [TOKEN, ADDRESS, encodeURIComponent(ADDRESS), JWT, ADMIN_PASSWORD];

  beforeAll(async () => {
    sandbox = await startTestSandbox({ scenario: MIGRATION_SCENARIO });
    const clouds = sandbox.endpoints;
    expect(resolve(process.env['NODE_EXTRA_CA_CERTS'] ?? '')).toBe(resolve(clouds.ca));
    stateDir = mkdtempSync(join(tmpdir(), 'ferry-e2e-traces-'));
    const started = await startSandboxPlatform(clouds, stateDir, {
      loginName: 'contoso-tracer',
      password: ADMIN_PASSWORD,
    });
    ({ platform, api, org, admin } = started);
    client = new ApiClient(api, admin);
    planted.push(
      started.platformPassword,
      admin.accessToken,
      admin.refreshToken,
      admin.totpSecret,
      started.platformAdmin.accessToken,
    );
  }, 180_000);

  afterAll(async () => {
    await platform?.stop();
    await sandbox?.close();
    if (stateDir) rmSync(stateDir, { recursive: true, force: true });
  }, 60_000);

  it('plants credentials and an address in headers and the query string of a request, and a failed sign-in', async () => {
    const res = await fetch(
      `${api}/orgs/${org}/audit?limit=5&access_token=${TOKEN}&key=${TOKEN}&email=${encodeURIComponent(ADDRESS)}`,
      {
        headers: {
          authorization: `Bearer ${admin.accessToken}`,
          'x-api-key': TOKEN,
          cookie: `ferry_session=${TOKEN}`,
          'x-forwarded-user': ADDRESS,
          'x-debug-token': JWT,
        },
      },
    );
    expect(res.status).toBe(200);
    const signIn = await postJson(`${api}/auth/signin`, { loginName: ADDRESS, password: TOKEN });
    expect(signIn.status).toBe(401);

    const server = await eventually('the audit request span', () =>
      spansIn(stateDir).find((s) => s.service === 'gateway' && s.name === 'GET /api/v1/orgs/:org/audit'),
    );
    // Named by its route template; the query's values masked; no header became an attribute.
    expect(server.kind).toBe('SERVER');
    expect(server.attributes['http.route']).toBe('/api/v1/orgs/:org/audit');
    expect(server.attributes['url.query']).toBe(
      'limit=5&access_token=[redacted]&key=[redacted]&email=[redacted]',
    );
    expect(Object.keys(server.attributes).filter((k) => k.startsWith('http.request.header'))).toEqual([]);
  });

  it(
    'follows a migration pass from the gateway over NATS to the planner, the workers, the database, Gmail, Graph and the audit trail in one trace',
    async () => {
      const clouds = sandbox.endpoints;
      const inspector = new SandboxInspector(clouds.inspect);
      const base = `/orgs/${org}`;
      const googleKey = clouds.google.serviceAccountKey;
      // A line from inside the service account's private key, and the app registration's secret.
      planted.push(
        clouds.microsoft.clientSecret,
        (googleKey['private_key'] ?? '').split('\n')[3] ?? '',
        clouds.google.adminUser,
      );
      const { microsoft, google } = await createSandboxConnectors(client, org, clouds);
      const project = await client.json<{ id: string }>(
        'POST',
        `${base}/migration/projects`,
        {
          name: 'Traced wave',
          sourceConnectorId: google.id,
          targetConnectorId: microsoft.id,
          workloads: ['mail'],
          deletionPolicy: 'mirror',
        },
        201,
      );
      const projectPath = `${base}/migration/projects/${project.id}`;
      const sources = (
        await inspector.call<{ users: { primaryEmail: string }[] }>(
          'GET',
          `/google/${clouds.google.customerId}/users`,
        )
      ).users;
      const targets = (
        await inspector.call<{ value: { userPrincipalName: string }[] }>(
          'GET',
          `/microsoft/${clouds.microsoft.tenantId}/users`,
        )
      ).value;
      // Each tenant's first user is its administrator; the next two are the people who move.
      const pairs = [1, 2].map((i) => [sources[i]?.primaryEmail ?? '', targets[i]?.userPrincipalName ?? '']);
      for (const address of pairs.flat()) planted.push(address, encodeURIComponent(address));
      const csv = `source,target\r\n${pairs.map((p) => p.join(',')).join('\r\n')}\r\n`;
      expect((await client.send('PUT', `${projectPath}/mappings`, csv, 'text/csv')).status).toBe(200);

      const pass = await client.json<{ id: string }>('POST', `${projectPath}/passes`, { kind: 'full' }, 201);
      const followed = await client.followPass(`${projectPath}/passes/${pass.id}/events`, PASS_TIMEOUT_MS);
      expect(followed.events.at(-1)?.pass).toMatchObject({ id: pass.id, status: 'completed' });

      // From the audit record to its trace ...
      const { items } = await client.get<{ items: AuditItem[] }>(`/orgs/${org}/audit?limit=500`);
      const started = items.find((i) => i.action === 'migration.pass.started' && i.target.id === pass.id);
      const traceId = started?.traceId ?? '';
      expect(traceId).toMatch(/^[0-9a-f]{32}$/);
      const trace = await eventually('the pass trace, every span with its parent', () => {
        const spans = spansIn(stateDir).filter((s) => s.traceId === traceId);
        const ids = new Set(spans.map((s) => s.spanId));
        const outbound = spans.filter(
          (s) => s.kind === 'CLIENT' && typeof s.attributes['url.full'] === 'string',
        );
        const complete =
          spans.length > 0 && spans.every((s) => s.parentSpanId === null || ids.has(s.parentSpanId));
        return complete && outbound.length > 0 ? spans : undefined;
      });
      const find = (service: string, name: string | RegExp) =>
        trace.filter(
          (s) => s.service === service && (typeof name === 'string' ? s.name === name : name.test(s.name)),
        );
      const byId = new Map(trace.map((s) => [s.spanId, s]));
      const parentOf = (s: SpanLine | undefined) => (s?.parentSpanId ? byId.get(s.parentSpanId) : undefined);

      // ... and back: the trace's root is the gateway's request that the record records.
      const roots = trace.filter((s) => s.parentSpanId === null);
      expect(roots.map((s) => `${s.service} ${s.name}`)).toEqual([`gateway ${PASS_ROUTE}`]);
      const [rpcServer] = find('migration', 'process migration.v1.rpc.passes.start');
      expect(parentOf(rpcServer)).toMatchObject({
        service: 'gateway',
        name: 'send migration.v1.rpc.passes.start',
        kind: 'CLIENT',
      });
      expect(find('migration', /^pg\.query/).length).toBeGreaterThan(0);
      const [work] = find('migration', 'process migration.v1.work');
      expect(parentOf(work)).toMatchObject({
        service: 'migration',
        name: 'publish migration.v1.work',
        kind: 'PRODUCER',
      });
      const audit = find('audit', 'process audit.v1.events');
      expect(audit.map((s) => parentOf(s)?.name)).toContain('publish audit.v1.events');
      expect(find('audit', /^pg\.query:INSERT/).length).toBeGreaterThan(0);
      expect(find('connectors', 'process connectors.v1.rpc.broker.token').length).toBeGreaterThan(0);

      // Outbound calls: Gmail and Graph (the Graph paths name mailboxes, by pseudonym) and the token endpoints.
      const urls = trace
        .map((s) => s.attributes['url.full'])
        .filter((u): u is string => typeof u === 'string');
      expect(urls.some((u) => u.includes('/gmail/v1/users/'))).toBe(true);
      expect(
        urls
          .filter((u) => u.includes('/v1.0/users/'))
          .every((u) => /\/v1\.0\/users\/u_[a-z2-7]{20}\//.test(u)),
      ).toBe(true);
      expect(urls.some((u) => /\/v1\.0\/users\/u_[a-z2-7]{20}\//.test(u))).toBe(true);
    },
    PASS_TIMEOUT_MS + 60_000,
  );

  it('keeps every planted secret, token and address out of each exported span and log line', () => {
    const traces = filesIn(join(stateDir, 'traces'));
    const logs = filesIn(join(stateDir, 'logs'));
    expect(traces.join('').length).toBeGreaterThan(0);
    expect(logs.join('').length).toBeGreaterThan(0);
    expect(planted.filter((p) => p.length < 12)).toEqual([]);
    for (const value of planted) {
      for (const text of [...traces, ...logs, platform.output()]) expect(text).not.toContain(value);
    }
  });

  it('writes the trace id into every log line emitted inside a traced request', () => {
    const spanIds = new Set(spansIn(stateDir).map((s) => `${s.traceId}/${s.spanId}`));
    const lines = filesIn(join(stateDir, 'logs'))
      .flatMap((text) => text.split('\n'))
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { trace_id?: string; span_id?: string });
    const inSpans = lines.filter(
      (l) => l.trace_id !== undefined && spanIds.has(`${l.trace_id}/${l.span_id}`),
    );
    expect(inSpans.length).toBeGreaterThan(0);
    for (const line of lines.filter((l) => l.trace_id !== undefined))
      expect(line.span_id).toMatch(/^[0-9a-f]{16}$/);
  });
});
