import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { ActorKind, Events, Outcome } from '@ferry/contracts';
import { MessagingClient } from '@ferry/platform/messaging';
import { TEST_NATS_URL } from '@ferry/platform/testing';
import { type ApiSession, postJson, signIn, signInAndEnrol } from './api-session';
import { AUDIT_ACK_WAIT_MS, type AuditPlatform, startAuditPlatform } from './audit-platform';
import { ApiClient, type AuditRecord } from './migration-api';
import { ROOT } from './platform-process';
import { until } from './service-process';

/** GET .../audit/verification as the gateway answers it. */
interface Verification {
  readonly ok: boolean;
  readonly violation: { readonly sequence: string; readonly kind: string; readonly reason: string } | null;
  readonly records: number;
  readonly lastSequence: string;
  readonly witness: string;
}

/** An IMAP connector: it needs no cloud, and its secret is a planted value. */
const imapConnector = (name: string) => ({
  name,
  kind: 'imap',
  workloads: ['mail'],
  secret: `e2e-audit-faults-${randomUUID()}`,
  imap: { host: '127.0.0.1', port: 993, security: 'implicit-tls', auth: 'master-user', masterUser: 'ferry-e2e' },
});

describe('the audit trail across service processes, when its service or its stream fails', () => {
  let p: AuditPlatform;
  let client: ApiClient;
  let admin: ApiSession;
  let org = '';
  let connectorId = '';
  let publisher: MessagingClient;
  const adminLogin = { loginName: 'contoso-auditing-admin', password: `e2e-audit-faults-${randomUUID()}` };

  beforeAll(async () => {
    p = await startAuditPlatform('auditfaults');
    const platformAdmin = await signInAndEnrol(p.api, 'platform-admin', p.platformPassword);
    const created = await postJson(`${p.api}/orgs`, { name: 'Contoso', admin: { ...adminLogin, displayName: 'IT Admin' } }, platformAdmin.accessToken);
    if (created.status !== 201) throw new Error(`creating the organisation answered ${created.status}`);
    org = created.body['id'] as string;
    admin = await signInAndEnrol(p.api, adminLogin.loginName, adminLogin.password);
    client = new ApiClient(p.api, admin);
    publisher = new MessagingClient({ servers: [TEST_NATS_URL], service: 'e2e-publisher', region: 'e2e', prefix: p.prefix });
  }, 180_000);

  afterAll(async () => {
    await publisher?.close();
    await p?.close();
  }, 60_000);

  const verification = () => client.get<Verification>(`/orgs/${org}/audit/verification`);
  const trail = (complete: (items: readonly AuditRecord[]) => boolean) => client.auditTrail(org, complete);
  const rowOf = async (action: string, targetId: string): Promise<{ id: string; sequence: string }> => {
    const rows = (await p.sql.query<{ id: string; sequence: string; payload: string }>('SELECT id, sequence, payload FROM audit.events WHERE org_id = $1 AND action = $2 ORDER BY sequence', [org, action])).rows;
    const row = rows.find((r) => Buffer.from(r.payload, 'base64').includes(Buffer.from(targetId)));
    if (!row) throw new Error(`no ${action} record of ${targetId}`);
    return row;
  };
  /** The event ids stored in `orgId`'s chain (one row each: the id is the key), and whether its sequences run 1..n without a gap. */
  const stored = async (orgId: string) => {
    const rows = (await p.sql.query<{ id: string; sequence: string }>('SELECT id, sequence FROM audit.events WHERE org_id = $1 ORDER BY sequence', [orgId])).rows;
    return { ids: new Set(rows.map((r) => r.id)), gapFree: rows.every((r, i) => Number(r.sequence) === i + 1) };
  };

  it('records a sign-in, a change and a sign-out; the chain verifies, and a row edited or deleted in PostgreSQL is reported with its kind and sequence', async () => {
    // A second session of the org-admin: signs in, creates a connector, signs out.
    const second = await signIn(p.api, adminLogin.loginName, adminLogin.password, admin.totpSecret);
    expect(second.status).toBe(200);
    const sessionId = second.body['sessionId'] as string;
    const created = await postJson(`${p.api}/orgs/${org}/connectors`, imapConnector('Contoso mail server'), second.body['accessToken'] as string);
    expect(created.status).toBe(201);
    connectorId = created.body['id'] as string;
    const signedOut = await fetch(`${p.api}/auth/signout`, { method: 'POST', headers: { authorization: `Bearer ${String(second.body['accessToken'])}` } });
    expect(signedOut.status).toBe(204);

    const items = await trail((i) => i.some((r) => r.action === 'auth.signout' && r.target.id === sessionId));
    expect(items.filter((r) => r.target.id === sessionId).map((r) => r.action).sort()).toEqual(['auth.signin.succeeded', 'auth.signout']);
    expect(items.filter((r) => r.action === 'connector.created').map((r) => r.target.id)).toEqual([connectorId]);
    const intact = await verification();
    expect(intact).toMatchObject({ ok: true, violation: null, witness: 'consulted' });
    expect(intact.records).toBeGreaterThanOrEqual(items.length);

    // An edited column: the record no longer matches its payload.
    const change = await rowOf('connector.created', connectorId);
    await p.sql.query("UPDATE audit.events SET outcome = 'failure' WHERE id = $1", [change.id]);
    expect(await verification()).toMatchObject({ ok: false, violation: { kind: 'altered', sequence: change.sequence } });
    await p.sql.query("UPDATE audit.events SET outcome = 'success' WHERE id = $1", [change.id]);
    expect(await verification()).toMatchObject({ ok: true });

    // A deleted record (the sign-in of the session, records follow it): its sequence is missing.
    const signInRow = await rowOf('auth.signin.succeeded', sessionId);
    await p.sql.query('CREATE TEMP TABLE deleted_record AS SELECT * FROM audit.events WHERE id = $1', [signInRow.id]);
    await p.sql.query('DELETE FROM audit.events WHERE id = $1', [signInRow.id]);
    expect(await verification()).toMatchObject({ ok: false, violation: { kind: 'missing', sequence: signInRow.sequence } });
    await p.sql.query('INSERT INTO audit.events SELECT * FROM deleted_record');
    expect(await verification()).toMatchObject({ ok: true });
  }, 60_000);

  it('refuses configuration changes with 503 while the AUDIT stream takes no event, changes nothing, and still answers reads', async () => {
    const viewer = await client.json<{ id: string }>('POST', `/orgs/${org}/accounts`, { loginName: 'contoso-viewer', displayName: 'Viewer', password: `e2e-viewer-${randomUUID()}`, roles: ['viewer'] }, 201);
    const before = await client.get<{ name: string; version: number }>(`/orgs/${org}/connectors/${connectorId}`);
    await p.refuseAuditPublishes(true);
    try {
      const refused = [
        await client.send('POST', `/orgs/${org}/connectors`, imapConnector('Unaudited connector')),
        await client.send('PATCH', `/orgs/${org}/connectors/${connectorId}`, { name: 'Unaudited name', expectedVersion: before.version }),
        await client.send('PUT', `/orgs/${org}/accounts/${viewer.id}/roles/org-admin`),
        await client.send('PUT', `/orgs/${org}/audit/retention`, { days: 30 }),
      ];
      for (const res of refused) {
        expect(res.status).toBe(503);
        expect((JSON.parse(res.text) as { message: string }).message).toMatch(/audit/);
      }
      // Nothing changed, and reads (of configuration and of the trail) still answer.
      const connectors = await client.get<{ items: { id: string; name: string; version: number }[] }>(`/orgs/${org}/connectors`);
      expect(connectors.items).toEqual([expect.objectContaining({ id: connectorId, name: before.name, version: before.version })]);
      const accounts = await client.get<{ items: { id: string; roles: string[] }[] }>(`/orgs/${org}/accounts`);
      expect(accounts.items.find((a) => a.id === viewer.id)?.roles).toEqual(['viewer']);
      expect(await client.get(`/orgs/${org}/audit/retention`)).toEqual({ days: 365, configured: false });
      expect((await client.send('GET', `/orgs/${org}/audit?limit=10`)).status).toBe(200);
    } finally {
      await p.refuseAuditPublishes(false);
    }
    // The stream takes events again: so does the change.
    expect(await client.json('PUT', `/orgs/${org}/audit/retention`, { days: 30 }, 200)).toEqual({ days: 30, configured: true });
    await trail((i) => i.some((r) => r.action === 'audit.retention.updated'));
    expect(await verification()).toMatchObject({ ok: true });
  }, 60_000);

  it('keeps taking changes while the audit service is down, then appends every event once when it is back', async () => {
    expect(await p.stopAudit('SIGTERM')).toBe(0);
    // Users keep working: each rename is a change whose record the stream holds until the service is back.
    let version = (await client.get<{ version: number }>(`/orgs/${org}/connectors/${connectorId}`)).version;
    const RENAMES = 8;
    const published: string[] = [];
    for (let i = 1; i <= RENAMES; i += 1) {
      const renamed = await client.json<{ version: number }>('PATCH', `/orgs/${org}/connectors/${connectorId}`, { name: `Contoso mail server ${i}`, expectedVersion: version }, 200);
      version = renamed.version;
      // Other services go on publishing too (a broker handing out tokens, say), in between.
      published.push(...(await publishBurst(publisher, org, 100)));
    }
    // What needs the audit service itself answers that it is unavailable, at once.
    expect((await client.send('GET', `/orgs/${org}/audit?limit=10`)).status).toBe(503);

    await p.startAudit();
    await until('every event appended', async () => {
      const { ids } = await stored(org);
      return published.every((id) => ids.has(id));
    }, 30_000);
    expect((await stored(org)).gapFree).toBe(true);
    const renames = await p.sql.query<{ n: string }>("SELECT count(*) AS n FROM audit.events WHERE org_id = $1 AND action = 'connector.updated'", [org]);
    expect(Number(renames.rows[0]?.n)).toBe(RENAMES);
    expect(await verification()).toMatchObject({ ok: true });
  }, 60_000);

  it('killed (SIGKILL) during a burst of appends, the audit service restarts with no event lost or duplicated, and every chain verifies', async () => {
    const orgs = [org, randomUUID(), randomUUID()];
    const PER_ORG = 2000;
    const burst = Promise.all(orgs.map((o) => publishBurst(publisher, o, PER_ORG)));
    const count = async () => Number((await p.sql.query<{ n: string }>("SELECT count(*) AS n FROM audit.events WHERE action = 'connector.token.issued'")).rows[0]?.n);
    const already = await count();
    // Mid-burst: some of it appended, not all.
    await until('the burst being appended', async () => (await count()) > already, 30_000);
    await p.stopAudit('SIGKILL');
    const atKill = (await count()) - already;
    expect(atKill).toBeGreaterThan(0);
    expect(atKill).toBeLessThan(orgs.length * PER_ORG);

    // What the killed process held comes back after the ack wait the service configured, not a minute.
    await p.startAudit();
    expect(await p.auditAckWaitMs()).toBe(AUDIT_ACK_WAIT_MS);
    const published = await burst;
    await until('the whole burst appended', async () => (await count()) - already >= orgs.length * PER_ORG, 45_000);
    for (const [i, o] of orgs.entries()) {
      const s = await stored(o);
      expect(s.gapFree).toBe(true);
      expect(published[i]?.filter((id) => !s.ids.has(id))).toEqual([]);
    }
    expect((await count()) - already).toBe(orgs.length * PER_ORG);
    // Verified from the database with the public key only, witness included, as an auditor would.
    const verify = spawnSync(
      process.execPath,
      [join(ROOT, 'scripts', 'audit', 'verify.mjs'), '--public-key', p.publicKeyFile, '--all', '--database-url', p.databaseUrl, '--nats', TEST_NATS_URL, '--nats-prefix', p.prefix, '--json'],
      { encoding: 'utf8', timeout: 30_000 },
    );
    expect({ status: verify.status, stderr: verify.stderr }).toEqual({ status: 0, stderr: '' });
    expect(await verification()).toMatchObject({ ok: true });
  }, 90_000);
});

/**
 * Publishes `n` audit events of `orgId` the way a service does (one message id per event, the
 * stream's ack awaited), sixteen at a time; returns their ids.
 */
async function publishBurst(publisher: MessagingClient, orgId: string, n: number): Promise<string[]> {
  const ids = Array.from({ length: n }, () => randomUUID());
  let next = 0;
  const worker = async () => {
    while (next < ids.length) {
      const id = ids[next++] as string;
      await publisher.publish(
        Events.audit,
        { region: 'e2e', org: orgId },
        {
          id,
          orgId,
          occurredAt: timestampFromDate(new Date()),
          actor: { kind: ActorKind.SERVICE, id: 'migration' },
          action: 'connector.token.issued',
          target: { type: 'connector', id: randomUUID() },
          outcome: Outcome.SUCCESS,
          detail: { scopes: 'https://graph.microsoft.com/.default' },
        },
        { msgId: id },
      );
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  return ids;
}
