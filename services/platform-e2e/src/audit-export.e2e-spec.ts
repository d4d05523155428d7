import { randomUUID } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { type ApiSession, postJson, signIn, signInAndEnrol } from './api-session';
import { type AuditPlatform, startAuditPlatform } from './audit-platform';
import { ApiClient, type AuditRecord } from './migration-api';
import { until } from './service-process';

/** A record as GET .../audit and the NDJSON export show it (every field: the CSV has a column for each). */
interface Item extends AuditRecord {
  readonly sequence: string;
  readonly id: string;
  readonly occurredAt: string;
  readonly outcome: string;
  readonly sourceAddress: string;
  readonly userAgent: string;
  readonly traceId: string;
  readonly sessionId: string;
}
interface Page {
  readonly items: Item[];
  readonly nextCursor: string | null;
}

/** The user agent of the logged session's calls: a cell a spreadsheet would run, which the CSV export must neutralise. */
const FORMULA_AGENT = '=HYPERLINK("http://example.invalid","e2e")';

/** An item as the CSV export's row: the header's columns, `detail` as JSON with sorted keys, formula cells prefixed with `'`. */
function csvRow(item: Item): Record<string, string> {
  const detail = JSON.stringify(Object.fromEntries(Object.entries(item.detail).sort(([a], [b]) => (a < b ? -1 : 1))));
  const cells = {
    sequence: item.sequence,
    id: item.id,
    occurredAt: item.occurredAt,
    action: item.action,
    actorKind: item.actor.kind,
    actorId: item.actor.id,
    targetType: item.target.type,
    targetId: item.target.id,
    outcome: item.outcome,
    sourceAddress: item.sourceAddress,
    userAgent: item.userAgent,
    traceId: item.traceId,
    sessionId: item.sessionId,
    detail,
  };
  return Object.fromEntries(Object.entries(cells).map(([k, v]) => [k, /^[=+\-@\t\r]/.test(v) ? `'${v}` : v]));
}

describe('reading the audit trail across service processes: exports, filters and session logs', () => {
  let p: AuditPlatform;
  let auditor: ApiClient;
  let viewer: ApiSession;
  let org = '';
  /** The logged session: signed in, three calls, signed out. */
  let sessionId = '';
  let connectorId = '';
  /** Every record of the actions above occurred before this instant (the `to` bound of the comparisons). */
  let before = '';

  beforeAll(async () => {
    p = await startAuditPlatform('auditexport');
    const platformAdmin = await signInAndEnrol(p.api, 'platform-admin', p.platformPassword);
    const adminLogin = { loginName: 'fabrikam-admin', password: `e2e-audit-export-${randomUUID()}` };
    const created = await postJson(`${p.api}/orgs`, { name: 'Fabrikam', admin: { ...adminLogin, displayName: 'IT Admin' } }, platformAdmin.accessToken);
    if (created.status !== 201) throw new Error(`creating the organisation answered ${created.status}`);
    org = created.body['id'] as string;
    const admin = await signInAndEnrol(p.api, adminLogin.loginName, adminLogin.password);
    const adminClient = new ApiClient(p.api, admin);
    const account = async (loginName: string, role: string) => {
      const password = `e2e-audit-export-${randomUUID()}`;
      await adminClient.json('POST', `/orgs/${org}/accounts`, { loginName, displayName: loginName, password, roles: [role] }, 201);
      return signInAndEnrol(p.api, loginName, password);
    };
    auditor = new ApiClient(p.api, await account('fabrikam-auditor', 'auditor'));
    viewer = await account('fabrikam-viewer', 'viewer');

    // The logged session: a second sign-in of the admin, a change, a rename, a read, the sign-out.
    const signedIn = await signIn(p.api, adminLogin.loginName, adminLogin.password, admin.totpSecret);
    if (signedIn.status !== 200) throw new Error(`the second sign-in answered ${signedIn.status}`);
    sessionId = signedIn.body['sessionId'] as string;
    const token = signedIn.body['accessToken'] as string;
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${p.api}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'user-agent': FORMULA_AGENT, ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      const text = await res.text();
      return { status: res.status, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
    };
    const connector = await call('POST', `/orgs/${org}/connectors`, {
      name: 'Fabrikam mail server',
      kind: 'imap',
      workloads: ['mail'],
      secret: `e2e-audit-export-${randomUUID()}`,
      imap: { host: '127.0.0.1', port: 993, security: 'implicit-tls', auth: 'master-user', masterUser: 'ferry-e2e' },
    });
    if (connector.status !== 201) throw new Error(`creating the connector answered ${connector.status}`);
    connectorId = connector.body['id'] as string;
    const renamed = await call('PATCH', `/orgs/${org}/connectors/${connectorId}`, { name: 'Fabrikam IMAP', expectedVersion: connector.body['version'] });
    if (renamed.status !== 200) throw new Error(`renaming the connector answered ${renamed.status}`);
    if ((await call('GET', `/orgs/${org}/connectors`)).status !== 200) throw new Error('listing the connectors failed');
    if ((await call('POST', '/auth/signout')).status !== 204) throw new Error('the sign-out failed');

    // Records reach the trail through the AUDIT stream, a moment after what they record.
    await until('the session signed out on the trail', async () => (await sessionLog()).some((i) => i.action === 'auth.signout'));
    before = new Date().toISOString();
  }, 120_000);

  afterAll(async () => {
    await p?.close();
  }, 60_000);

  const sessionLog = async () => (await auditor.get<Page & { sessionId: string }>(`/orgs/${org}/audit/sessions/${sessionId}?limit=500`)).items;
  /** GET .../audit with `query` and `to=before`, once it stops changing (the last records of the actions may still be on their way). */
  const settledPage = async (query: string): Promise<Page> => {
    let last = '';
    let page: Page | undefined;
    await until(`GET /audit?${query} settled`, async () => {
      const text = JSON.stringify((page = await auditor.get<Page>(`/orgs/${org}/audit?limit=500&to=${before}${query}`)));
      const settled = text === last;
      last = text;
      return settled;
    });
    return page!;
  };
  const exported = async (format: 'ndjson' | 'csv', query: string) => {
    const res = await auditor.send('GET', `/orgs/${org}/audit/export?format=${format}&to=${before}${query}`);
    expect(res.status).toBe(200);
    return res.text;
  };

  it('exports as NDJSON and CSV exactly the records GET /audit answers, newest first, and a filter narrows both', async () => {
    const all = await settledPage('');
    expect(all.nextCursor).toBeNull();
    expect(all.items.map((i) => i.action)).toEqual(expect.arrayContaining(['auth.signin.succeeded', 'connector.created', 'connector.updated', 'api.call', 'auth.signout']));

    const ndjson = (await exported('ndjson', '')).split('\n');
    expect(ndjson.pop()).toBe('');
    expect(ndjson.map((line) => JSON.parse(line) as Item)).toEqual(all.items);

    const csv = parse<Record<string, string>>(await exported('csv', ''), { columns: true, record_delimiter: '\r\n' });
    expect(csv).toEqual(all.items.map(csvRow));
    // The session's user agent: raw in NDJSON, neutralised in CSV.
    const call = all.items.find((i) => i.sessionId === sessionId && i.action === 'api.call');
    expect(call?.userAgent).toBe(FORMULA_AGENT);
    expect(csv.find((r) => r['id'] === call?.id)?.['userAgent']).toBe(`'${FORMULA_AGENT}`);

    // Only the connector's records, by action prefix and by target.
    const connectors = await settledPage(`&action=connector&target=connector:${connectorId}`);
    expect(connectors.items.map((i) => i.action)).toEqual(['connector.updated', 'connector.created']);
    const narrowed = (await exported('ndjson', `&action=connector&target=connector:${connectorId}`)).trim().split('\n');
    expect(narrowed.map((line) => JSON.parse(line) as Item)).toEqual(connectors.items);
    const narrowedCsv = parse<Record<string, string>>(await exported('csv', `&action=connector&target=connector:${connectorId}`), { columns: true, record_delimiter: '\r\n' });
    expect(narrowedCsv).toEqual(connectors.items.map(csvRow));
  }, 30_000);

  it("shows a session's log oldest first: its sign-in, each API call it made, its sign-out", async () => {
    const log = await sessionLog();
    expect(log.every((i) => i.sessionId === sessionId)).toBe(true);
    const sequences = log.map((i) => BigInt(i.sequence));
    expect(sequences).toEqual([...sequences].sort((a, b) => (a < b ? -1 : 1)));
    const steps = log
      .filter((i) => ['auth.signin.succeeded', 'api.call', 'auth.signout'].includes(i.action))
      .map((i) => (i.action === 'api.call' ? `${i.target.id} ${i.detail['status']}` : i.action));
    expect(steps).toEqual([
      'auth.signin.succeeded',
      'POST /api/v1/orgs/:org/connectors 201',
      'PATCH /api/v1/orgs/:org/connectors/:id 200',
      'GET /api/v1/orgs/:org/connectors 200',
      'auth.signout',
    ]);
  });

  it('refuses a viewer the export, the query and the session log (403)', async () => {
    for (const path of [`/audit/export?format=csv`, `/audit/export?format=ndjson`, `/audit`, `/audit/sessions/${sessionId}`]) {
      const res = await fetch(`${p.api}/orgs/${org}${path}`, { headers: { authorization: `Bearer ${viewer.accessToken}` } });
      expect({ path, status: res.status }).toEqual({ path, status: 403 });
      expect(await res.text()).not.toContain(sessionId);
    }
  });
});
