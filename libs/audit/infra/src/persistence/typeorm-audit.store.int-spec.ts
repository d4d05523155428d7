import { auditEventFixture, EphemeralChainSigner } from '@ferry/audit/application';
import { createTestDatabase, natsTestNamespace, TEST_NATS_URL, type TestDatabase } from '@ferry/platform/testing';
import { type AuditChainHarness, startAuditChainHarness } from '../testing/audit-chain.fixture';
import { TypeormAuditStore } from './typeorm-audit.store';

const ORG_A = '0b6f4c3e-3d2a-4c1b-9f8e-7a6b5c4d3e2f';
const ORG_B = '1c7f4c3e-3d2a-4c1b-9f8e-7a6b5c4d3e2f';
const newOrg = (n: number) => `${String(n).padStart(8, '0')}-9999-4999-8999-999999999999`;

describe('the audit store on PostgreSQL', () => {
  const ns = natsTestNamespace('auditstore');
  let database: TestDatabase;
  let replicas: AuditChainHarness[];

  beforeAll(async () => {
    database = await createTestDatabase('audit_store');
    replicas = [];
    const signer = new EphemeralChainSigner();
    for (let i = 0; i < 2; i += 1) replicas.push(await startAuditChainHarness({ databaseUrl: database.url, natsUrl: TEST_NATS_URL, prefix: ns.prefix, signer, chain: { checkpointEvery: 10 } }));
  });
  afterAll(async () => {
    await replicas[0]?.dropWitness();
    for (const r of replicas) await r.close();
    await database.drop();
    await ns.cleanup();
  });

  it('stores the published bytes unchanged and collapses a redelivered event, in the batch and after it', async () => {
    const { store } = replicas[0]!;
    const e = auditEventFixture(1, ORG_A);
    const first = await store.appendBatch([e, e]);
    const again = await store.appendBatch([e]);
    expect(first.outcomes).toEqual([
      { sequence: 1n, duplicate: false },
      { sequence: 1n, duplicate: true },
    ]);
    expect(again).toEqual({ outcomes: [{ sequence: 1n, duplicate: true }], heads: [] });
    const [row] = await store.page(ORG_A, 10, undefined);
    expect(Buffer.from(row!.encoded).equals(Buffer.from(e.encoded))).toBe(true);
  });

  it('gives each organisation a gap-free, verifying chain under concurrent batches from two replicas, redeliveries included', async () => {
    const events = Array.from({ length: 200 }, (_, i) => auditEventFixture(100 + i, i % 4 === 0 ? ORG_B : ORG_A));
    // Each event handed to one replica, and redelivered to the other at the same time.
    await Promise.all(events.flatMap((e, i) => [replicas[i % 2]!.batcher.submit(e), replicas[(i + 1) % 2]!.batcher.submit(e)]));
    const a = (await replicas[0]!.store.page(ORG_A, 500, undefined)).map((r) => Number(r.sequence));
    const b = (await replicas[0]!.store.page(ORG_B, 500, undefined)).map((r) => Number(r.sequence));
    expect(a).toEqual(Array.from({ length: 151 }, (_, i) => 151 - i));
    expect(b).toEqual(Array.from({ length: 50 }, (_, i) => 50 - i));
    for (const r of replicas) await r.checkpointer.witnessed();
    for (const org of [ORG_A, ORG_B]) {
      const v = await replicas[1]!.verify.execute(org);
      expect(v.violation).toBeUndefined();
      expect(v.checkpoints).toBeGreaterThan(0);
    }
  });

  it('takes concurrent first events of many new organisations on both replicas without a duplicate-key failure', async () => {
    const orgs = Array.from({ length: 20 }, (_, i) => newOrg(i + 1));
    const results = await Promise.allSettled(
      orgs.flatMap((org, i) => [0, 1].map((r) => replicas[r]!.store.appendBatch([auditEventFixture(1000 + i * 2 + r, org)]))),
    );
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    for (const org of orgs) {
      expect((await replicas[0]!.store.page(org, 10, undefined)).map((r) => r.sequence)).toEqual([2n, 1n]);
    }
  });

  it('leaves no trace of a batch whose connection died after its insert, and appends it once when redelivered', async () => {
    const { db, verify } = replicas[0]!;
    const org = newOrg(500);
    await replicas[0]!.store.appendBatch([auditEventFixture(2000, org)]);
    // A data source whose transactions kill their own backend right after inserting the rows: what a
    // process killed mid-append looks like to the database.
    const killing = Object.create(db) as typeof db;
    killing.transaction = ((work: (tx: typeof db.manager) => Promise<unknown>) =>
      db.transaction(async (tx) => {
        const query = tx.query.bind(tx);
        tx.query = (async (sql: string, params?: unknown[]) => {
          const result: unknown = await query(sql, params);
          if (sql.startsWith('INSERT INTO') && sql.includes('"events"')) await query('SELECT pg_terminate_backend(pg_backend_pid())');
          return result;
        }) as typeof tx.query;
        return work(tx);
      })) as typeof db.transaction;
    const batch = [2001, 2002, 2003].map((n) => auditEventFixture(n, org));
    await expect(new TypeormAuditStore(killing).appendBatch(batch)).rejects.toThrow();
    expect((await replicas[0]!.store.page(org, 10, undefined)).map((r) => r.sequence)).toEqual([1n]);
    expect((await verify.execute(org)).violation).toBeUndefined();
    const redelivered = await replicas[1]!.store.appendBatch(batch);
    expect(redelivered.outcomes.map((o) => o.sequence)).toEqual([2n, 3n, 4n]);
    expect(await verify.execute(org)).toMatchObject({ records: 4, lastSequence: 4n });
    expect((await verify.execute(org)).violation).toBeUndefined();
  });

  it('pages strictly below a cursor sequence and only within the organisation', async () => {
    const page = await replicas[0]!.store.page(ORG_B, 3, 5n);
    expect(page.map((r) => r.sequence)).toEqual([4n, 3n, 2n]);
    expect(page.every((r) => r.summary.orgId === ORG_B)).toBe(true);
  });

  it('keeps its tables in its own schema', async () => {
    const tables: { table_schema: string; table_name: string }[] = await replicas[0]!.db.query(
      "SELECT table_schema, table_name FROM information_schema.tables WHERE table_name IN ('events','chain_heads','checkpoints','retention')",
    );
    expect(tables.every((t) => t.table_schema === 'audit')).toBe(true);
    expect(tables).toHaveLength(4);
  });
});
