import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type Sandbox, startTestSandbox } from '@ferry/sandbox';
import {
  ApiClient,
  type AuditRecord,
  type FollowedPass,
  type PassCounts,
  type PassProgress,
  parseCsv,
} from './migration-api';
import {
  ATTACHMENT_SIZES,
  type ExchangeMessage,
  ferryItemKey,
  type GmailMessage,
  graphSeconds,
  inDeletedItems,
  MIGRATION_SCENARIO,
  SandboxInspector,
} from './migration-sandbox';
import type { PlatformProcess } from './platform-process';
import { createSandboxConnectors, startSandboxPlatform } from './sandbox-platform';

/** The header line of a pass report's CSV download: its columns, in order. */
const REPORT_HEADER =
  'mapping_id,source_address,target_address,status,found,migrated,skipped,failed,bytes_found,bytes_done,started_at,finished_at,cut_over_at'.split(
    ',',
  );
const PASS_TIMEOUT_MS = 120_000;

interface Pair {
  readonly source: string;
  readonly target: string;
  mappingId: string;
}

const processed = (c: PassCounts) => c.migrated + c.skipped + c.failed;

/** Every file of a directory of the state dir, as text (absent directory: none). */
function filesOf(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.map((f) => readFileSync(join(dir, f), 'utf8'));
}

describe('mail migration from Gmail to Exchange Online across the service processes', () => {
  let sandbox: Sandbox;
  let platform: PlatformProcess;
  let stateDir: string;
  let client: ApiClient;
  let inspector: SandboxInspector;
  let org = '';
  let projectPath = '';
  let projectId = '';
  let pairs: Pair[] = [];
  const passIds: string[] = [];
  /** Gmail messages per mapped source at the full pass; Ferry's copies per target after it. */
  const gmailAtFull = new Map<string, GmailMessage[]>();
  const copiesAfterFull = new Map<string, ExchangeMessage[]>();
  let fullTotals: PassCounts | undefined;

  beforeAll(async () => {
    sandbox = await startTestSandbox({ scenario: MIGRATION_SCENARIO });
    const clouds = sandbox.endpoints;
    inspector = new SandboxInspector(clouds.inspect);
    // The platform's processes inherit this process's environment: the sandbox CA they must trust
    // is the one jest-project.mjs named in NODE_EXTRA_CA_CERTS.
    expect(resolve(process.env['NODE_EXTRA_CA_CERTS'] ?? '')).toBe(resolve(clouds.ca));
    stateDir = mkdtempSync(join(tmpdir(), 'ferry-e2e-migration-'));
    const started = await startSandboxPlatform(clouds, stateDir, {
      loginName: 'contoso-migrator',
      password: `e2e-migration-admin-${randomUUID()}`,
    });
    ({ platform, org } = started);
    client = new ApiClient(started.api, started.admin);
  }, 180_000);

  afterAll(async () => {
    await platform?.stop();
    await sandbox?.close();
    if (stateDir) rmSync(stateDir, { recursive: true, force: true });
  }, 60_000);

  /** Starts a pass and follows its live progress to the end. */
  async function runPass(kind: 'full' | 'delta'): Promise<{ followed: FollowedPass; last: PassProgress }> {
    const pass = await client.json<{ id: string; kind: string }>(
      'POST',
      `${projectPath}/passes`,
      { kind },
      201,
    );
    expect(pass.kind).toBe(kind);
    passIds.push(pass.id);
    const followed = await client.followPass(`${projectPath}/passes/${pass.id}/events`, PASS_TIMEOUT_MS);
    expect(followed.ended).toBe(true);
    expect(followed.events.length).toBeGreaterThan(0);
    // Live progress only moves forward.
    const done = followed.events.map((e) => processed(e.totals));
    expect(done).toEqual([...done].sort((a, b) => a - b));
    const last = followed.events.at(-1) as PassProgress;
    expect(last.pass).toMatchObject({ id: pass.id, kind, status: 'completed' });
    return { followed, last };
  }

  it('creates the Microsoft 365 and Google Workspace connectors, a Gmail -> Exchange Online project and its mapping', async () => {
    const clouds = sandbox.endpoints;
    const base = `/orgs/${org}`;
    const { microsoft, google } = await createSandboxConnectors(client, org, clouds);
    expect([microsoft.status, google.status]).toEqual(['active', 'active']);

    const project = await client.json<{
      id: string;
      source: string;
      target: string;
      deletionPolicy: string;
      workloads: string[];
    }>(
      'POST',
      `${base}/migration/projects`,
      {
        name: 'Wave 1',
        sourceConnectorId: google.id,
        targetConnectorId: microsoft.id,
        workloads: ['mail'],
        deletionPolicy: 'mirror',
      },
      201,
    );
    expect(project).toMatchObject({
      source: 'google',
      target: 'microsoft',
      deletionPolicy: 'mirror',
      workloads: ['mail'],
    });
    projectId = project.id;
    projectPath = `${base}/migration/projects/${project.id}`;

    // Each tenant's first user is its administrator; the two others are the people who move.
    const googleUsers = (
      await inspector.call<{ users: { primaryEmail: string }[] }>(
        'GET',
        `/google/${clouds.google.customerId}/users`,
      )
    ).users.map((u) => u.primaryEmail);
    const microsoftUsers = (
      await inspector.call<{ value: { userPrincipalName: string }[] }>(
        'GET',
        `/microsoft/${clouds.microsoft.tenantId}/users`,
      )
    ).value.map((u) => u.userPrincipalName);
    pairs = [1, 2].map((i) => ({
      source: googleUsers[i] ?? '',
      target: microsoftUsers[i] ?? '',
      mappingId: '',
    }));
    expect(pairs.every((p) => p.source.includes('@') && p.target.includes('@'))).toBe(true);
    const csv = `source,target\r\n${pairs.map((p) => `${p.source},${p.target}`).join('\r\n')}\r\n`;
    const imported = await client.send('PUT', `${projectPath}/mappings`, csv, 'text/csv');
    expect(imported.status).toBe(200);
    expect(JSON.parse(imported.text)).toEqual({ imported: 2 });
    const mappings = await client.get<{
      items: { id: string; sourceAddress: string; targetAddress: string }[];
      total: number;
    }>(`${projectPath}/mappings`);
    expect(mappings.total).toBe(2);
    for (const pair of pairs) {
      const row = mappings.items.find((m) => m.sourceAddress === pair.source);
      expect(row?.targetAddress).toBe(pair.target);
      pair.mappingId = row?.id ?? '';
    }
  }, 60_000);

  it(
    'runs a full pass, followed live to its end, that finds every Gmail message and carries each one',
    async () => {
      for (const p of pairs) gmailAtFull.set(p.source, await inspector.gmail(p.source));
      const { last } = await runPass('full');
      const expected = pairs.map((p) => gmailAtFull.get(p.source)?.length ?? 0);
      expect(expected.every((n) => n === 15)).toBe(true);
      expect(last.totals.found).toBe(30);
      expect(last.totals).toMatchObject({ migrated: 30, skipped: 0, failed: 0 });
      expect(last.totals.bytesDone).toBeGreaterThan(0);
      expect(last.mailboxes).toMatchObject({ total: 2, done: 2, failed: 0 });
      expect(last.mappings).toHaveLength(2);
      for (const p of pairs) {
        const mailbox = last.mappings.find((m) => m.mapping.id === p.mappingId);
        expect(mailbox?.status).toBe('done');
        const counts = mailbox?.counts as PassCounts;
        expect(counts.found).toBe(gmailAtFull.get(p.source)?.length);
        expect(counts.found).toBe(processed(counts));
      }
      fullTotals = last.totals;
    },
    PASS_TIMEOUT_MS + 30_000,
  );

  it('leaves exactly one received (not draft) copy of each Gmail message in Exchange Online, dated and placed as in Gmail', async () => {
    let attachments = 0;
    // The seed puts mail of the mapped users in Trash and Spam and stars some: those rules are exercised.
    const labels = [...gmailAtFull.values()].flat().flatMap((g) => g.labelIds);
    expect(labels).toEqual(expect.arrayContaining(['TRASH', 'SPAM', 'STARRED', 'UNREAD', 'IMPORTANT']));
    for (const p of pairs) {
      const gmail = gmailAtFull.get(p.source) ?? [];
      const copies = await inspector.ferryCopies(p.target);
      copiesAfterFull.set(p.target, copies);
      // The target mailbox's own mail is still there, untouched.
      expect((await inspector.exchange(p.target)).length).toBe(copies.length + 3);
      expect(copies).toHaveLength(gmail.length);
      const keys = copies.map(ferryItemKey);
      expect(keys.every((k) => k !== undefined)).toBe(true);
      expect(new Set(keys).size).toBe(copies.length);
      for (const g of gmail) {
        const matches = copies.filter((c) => c.internetMessageId === g.messageId);
        expect(matches).toHaveLength(1);
        const copy = matches[0] as ExchangeMessage;
        expect(copy.isDraft).toBe(false);
        expect(copy.receivedDateTime).toBe(graphSeconds(g.internalDate));
        expect(copy.isRead).toBe(!g.labelIds.includes('UNREAD'));
        expect(copy.flag.flagStatus).toBe(g.labelIds.includes('STARRED') ? 'flagged' : 'notFlagged');
        expect(copy.importance).toBe(g.labelIds.includes('IMPORTANT') ? 'high' : 'normal');
        if (g.labelIds.includes('TRASH')) expect(copy.folderPath).toBe('Deleted Items');
        else if (g.labelIds.includes('SPAM')) expect(copy.folderPath).toBe('Junk Email');
        else if (g.labelIds.includes('INBOX')) expect(copy.folderPath).toBe('Inbox');
        for (const a of copy.attachments) expect(ATTACHMENT_SIZES).toContain(a.size);
        attachments += copy.attachments.length;
      }
    }
    // The scenario gives some messages attachments: they came along.
    expect(attachments).toBeGreaterThan(0);
  }, 60_000);

  it("reports the full pass as a CSV download whose rows add up to the pass's totals", async () => {
    const res = await client.send('GET', `${projectPath}/passes/${passIds[0]}/report?format=csv`);
    expect(res.status).toBe(200);
    const [header, ...rows] = parseCsv(res.text);
    expect(header).toEqual(REPORT_HEADER);
    expect(rows).toHaveLength(2);
    const col = (row: string[], name: string) => row[REPORT_HEADER.indexOf(name)] ?? '';
    const sum = { found: 0, migrated: 0, skipped: 0, failed: 0 };
    for (const row of rows) {
      const pair = pairs.find((p) => p.mappingId === col(row, 'mapping_id'));
      expect(pair).toBeDefined();
      expect([col(row, 'source_address'), col(row, 'target_address'), col(row, 'status')]).toEqual([
        pair?.source,
        pair?.target,
        'done',
      ]);
      const [found, migrated, skipped, failed] = ['found', 'migrated', 'skipped', 'failed'].map((n) =>
        Number(col(row, n)),
      );
      expect(found).toBe((migrated ?? 0) + (skipped ?? 0) + (failed ?? 0));
      expect(found).toBe(gmailAtFull.get(pair?.source ?? '')?.length);
      sum.found += found ?? 0;
      sum.migrated += migrated ?? 0;
      sum.skipped += skipped ?? 0;
      sum.failed += failed ?? 0;
      expect(col(row, 'finished_at')).toMatch(/^\d{4}-\d\d-\d\dT/);
    }
    expect(sum).toEqual({
      found: fullTotals?.found,
      migrated: fullTotals?.migrated,
      skipped: fullTotals?.skipped,
      failed: fullTotals?.failed,
    });
  }, 30_000);

  let added: GmailMessage | undefined;
  let starred: GmailMessage | undefined;
  let deleted: GmailMessage | undefined;

  it(
    'carries exactly the three changes made at the source (a new message, one starred and read, one deleted) in a delta pass',
    async () => {
      const [first, second] = pairs as [Pair, Pair];
      const user = encodeURIComponent(first.source);
      const before = gmailAtFull.get(first.source) ?? [];
      const inbox = before.filter((m) => m.labelIds.includes('INBOX') && !m.labelIds.includes('STARRED'));
      starred = inbox.find((m) => m.labelIds.includes('UNREAD')) ?? inbox[0];
      deleted = inbox.find((m) => m !== starred);
      expect(starred).toBeDefined();
      expect(deleted).toBeDefined();
      await inspector.call('POST', `/google/gmail/${user}/messages`, {
        subject: 'Added between passes',
        labelIds: ['INBOX', 'UNREAD'],
      });
      await inspector.call('PATCH', `/google/gmail/${user}/messages/${starred?.id}`, {
        addLabelIds: ['STARRED'],
        removeLabelIds: ['UNREAD'],
      });
      await inspector.call('DELETE', `/google/gmail/${user}/messages/${deleted?.id}`);
      const after = await inspector.gmail(first.source);
      added = after.find((m) => !before.some((b) => b.id === m.id));
      expect(added).toBeDefined();
      expect(after).toHaveLength(before.length);

      const { last } = await runPass('delta');
      expect(last.totals).toMatchObject({ found: 3, migrated: 3, skipped: 0, failed: 0 });
      expect(last.mailboxes).toMatchObject({ total: 2, done: 2, failed: 0 });
      const counts = (p: Pair) => last.mappings.find((m) => m.mapping.id === p.mappingId)?.counts;
      expect(counts(first)).toMatchObject({ found: 3, migrated: 3, skipped: 0, failed: 0 });
      expect(counts(second)).toMatchObject({ found: 0, migrated: 0, skipped: 0, failed: 0 });
    },
    PASS_TIMEOUT_MS + 30_000,
  );

  it('shows the three changes in Exchange Online, with no duplicate and the other mailbox untouched', async () => {
    const [first, second] = pairs as [Pair, Pair];
    const copies = await inspector.ferryCopies(first.target);
    const one = (g: GmailMessage | undefined) => {
      const matches = copies.filter((c) => c.internetMessageId === g?.messageId);
      expect(matches).toHaveLength(1);
      return matches[0] as ExchangeMessage;
    };
    expect(one(added)).toMatchObject({
      folderPath: 'Inbox',
      isRead: false,
      isDraft: false,
      receivedDateTime: graphSeconds(added?.internalDate ?? 0),
    });
    expect(one(starred)).toMatchObject({ isRead: true, flag: { flagStatus: 'flagged' } });
    expect(one(deleted).folderPath).toBe('Deleted Items');
    // No duplicates: one more copy than after the full pass, each key and message id once.
    expect(copies).toHaveLength((copiesAfterFull.get(first.target)?.length ?? 0) + 1);
    expect(new Set(copies.map(ferryItemKey)).size).toBe(copies.length);
    expect(new Set(copies.map((c) => c.internetMessageId)).size).toBe(copies.length);
    // Reconciled as the demo does: Gmail outside Trash against Ferry's copies outside Deleted Items.
    const gmail = await inspector.gmail(first.source);
    expect(copies.filter((c) => !inDeletedItems(c))).toHaveLength(
      gmail.filter((m) => !m.labelIds.includes('TRASH')).length,
    );

    const others = await inspector.ferryCopies(second.target);
    const shape = (list: readonly ExchangeMessage[]) =>
      list.map((c) => [c.id, c.folderPath, c.isRead, c.flag.flagStatus]).sort();
    expect(shape(others)).toEqual(shape(copiesAfterFull.get(second.target) ?? []));
  }, 30_000);

  /** The mapped mailboxes' addresses, as they could appear in text (raw, lower case, URL-encoded). */
  const addressForms = () =>
    pairs.flatMap((p) => [p.source, p.target]).flatMap((a) => [a, a.toLowerCase(), encodeURIComponent(a)]);

  it('audits the project, its mapping and both passes (started by the operator, completed by the service) without naming a mapped mailbox', async () => {
    const passesWith = (action: string) => (items: readonly AuditRecord[]) =>
      items.filter((i) => i.action === action && i.target.type === 'pass').map((i) => i.target.id);
    const passStarts = passesWith('migration.pass.started');
    // The workers finish a pass; the migration service audits that, once per pass.
    const passEnds = passesWith('migration.pass.completed');
    const items = await client.auditTrail(org, (trail) =>
      passIds.every((id) => passStarts(trail).includes(id) && passEnds(trail).includes(id)),
    );
    expect(passEnds(items).sort()).toEqual([...passIds].sort());
    expect(items.find((i) => i.action === 'migration.pass.completed')?.actor).toMatchObject({
      kind: 'service',
      id: 'migration',
    });
    const actions = items.map((i) => i.action);
    expect(actions).toEqual(
      expect.arrayContaining(['migration.project.created', 'migration.mappings.imported']),
    );
    expect(items.find((i) => i.action === 'migration.project.created')?.target).toEqual({
      type: 'project',
      id: projectId,
    });
    expect(passStarts(items).sort()).toEqual([...passIds].sort());
    const text = JSON.stringify(items);
    for (const form of addressForms()) expect(text).not.toContain(form);
  }, 30_000);

  it("keeps the mapped mailboxes' addresses out of every log file and exported span, and stops cleanly", async () => {
    expect(await platform.stop()).toBe(0);
    const logs = filesOf(join(stateDir, 'logs'));
    const traces = filesOf(join(stateDir, 'traces'));
    expect(logs.join('').length).toBeGreaterThan(0);
    // The migration worker's spans are there to be read, so their absence cannot pass for cleanliness.
    expect(traces.join('')).toContain('process migration.v1.work');
    for (const form of addressForms()) {
      for (const log of logs) expect(log).not.toContain(form);
      for (const trace of traces) expect(trace).not.toContain(form);
      expect(platform.output()).not.toContain(form);
    }
  }, 60_000);
});
