import { auditEventFixture, EphemeralChainSigner, QueryAuditEventsUseCase, VerifyAuditChainUseCase } from '@ferry/audit/application';
import { ActorKind } from '@ferry/contracts';
import { createServiceDataSource, migrateServiceSchema } from '@ferry/platform/persistence';
import { createTestDatabase, type TestDatabase } from '@ferry/platform/testing';
import { AUDIT_ENTITIES, AUDIT_MIGRATIONS } from '../index';
import { CreateAuditTables1732300000000 } from './1732300000000-create-audit-tables.migration';
import { TypeormAuditChainStore } from './typeorm-audit-chain.store';
import { TypeormAuditStore } from './typeorm-audit.store';

const ORG = '6e7f4c3e-3d2a-4c1b-9f8e-7a6b5c4d3e2f';
const RECORDS = 2500;

/** Old record `n`: actors, targets and sessions that vary, one target id longer than its column. */
function oldRecord(n: number) {
  return auditEventFixture(n, ORG, {
    actor: n % 2 === 0 ? { kind: ActorKind.ACCOUNT, id: `acc-${n % 5}` } : { kind: ActorKind.SERVICE, id: 'migration' },
    target: { type: n % 3 === 0 ? 'pass' : 'connector', id: n === 7 ? 'x'.repeat(300) : `t-${n}` },
    sessionId: n % 10 === 0 ? `sess-${n % 30}` : '',
  });
}

describe('the query columns migration', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase('audit_qcols');
  });
  afterAll(async () => {
    await database.drop();
  });

  it('fills the query columns of records stored before it, in batches, so they are queryable and the chain still verifies', async () => {
    const before = createServiceDataSource({ url: database.url, service: 'audit', entities: [], migrations: [CreateAuditTables1732300000000] });
    await before.initialize();
    await migrateServiceSchema(before);
    const old = Array.from({ length: RECORDS }, (_, i) => oldRecord(i + 1));
    // Rows as the earlier schema stored them; the last one's payload no longer decodes.
    const payloads = old.map((e, i) => (i + 1 === RECORDS ? Buffer.from('not protobuf \xff\xff').toString('base64') : Buffer.from(e.encoded).toString('base64')));
    await before.query(
      `INSERT INTO audit.events (id, org_id, sequence, occurred_at, recorded_at, action, outcome, payload)
       SELECT id, $1, sequence, occurred_at, now(), action, 'success', payload FROM unnest($2::varchar[], $3::bigint[], $4::timestamptz[], $5::varchar[], $6::text[]) AS t(id, sequence, occurred_at, action, payload)`,
      [ORG, old.map((e) => e.summary.id), old.map((_, i) => i + 1), old.map((e) => e.summary.occurredAt.toISOString()), old.map((e) => e.summary.action), payloads],
    );
    await before.query('INSERT INTO audit.chain_heads (org_id, sequence) VALUES ($1, $2)', [ORG, RECORDS]);
    await before.destroy();

    const db = createServiceDataSource({ url: database.url, service: 'audit', entities: AUDIT_ENTITIES, migrations: AUDIT_MIGRATIONS });
    await db.initialize();
    try {
      expect(await migrateServiceSchema(db)).toEqual(['ChainAuditEvents1734500000001', 'IndexAuditQueryColumns1736000000000']);
      const store = new TypeormAuditStore(db);
      const chain = new TypeormAuditChainStore(db);
      const verify = new VerifyAuditChainUseCase(chain, new EphemeralChainSigner());

      const first = await verify.execute(ORG);
      expect(first.violation).toMatchObject({ sequence: BigInt(RECORDS), kind: 'altered', reason: 'its payload does not decode' });
      expect(await verify.execute(ORG, { to: BigInt(RECORDS - 1) })).toMatchObject({ records: RECORDS - 1 });
      expect((await verify.execute(ORG, { to: BigInt(RECORDS - 1) })).violation).toBeUndefined();

      const nulls = await db.query<{ n: string }[]>('SELECT count(*) AS n FROM audit.events WHERE actor_kind IS NULL OR actor_id IS NULL OR target_type IS NULL OR target_id IS NULL OR session_id IS NULL');
      expect(nulls[0]?.n).toBe('0');
      const [row7] = await db.query<{ target_id: string }[]>('SELECT target_id FROM audit.events WHERE org_id = $1 AND sequence = 7', [ORG]);
      expect(row7?.target_id).toBe('x'.repeat(256));

      const query = new QueryAuditEventsUseCase(store);
      const byActor = await query.execute(ORG, { limit: 500, cursor: '', filter: { actorId: 'acc-3' }, countLimit: 10_000 });
      const expected = old.filter((_, i) => i + 1 !== RECORDS && (i + 1) % 2 === 0 && (i + 1) % 5 === 3).length;
      expect(byActor.matched).toBe(expected);
      const session = await store.sessionPage(ORG, 'sess-10', 100, undefined);
      expect(session.map((r) => Number(r.sequence))).toEqual(Array.from({ length: RECORDS }, (_, i) => i + 1).filter((n) => n % 10 === 0 && n % 30 === 10 && n !== RECORDS));

      await store.appendBatch([auditEventFixture(9000, ORG, { sessionId: 'sess-10' })]);
      expect((await store.sessionPage(ORG, 'sess-10', 500, undefined)).at(-1)?.sequence).toBe(BigInt(RECORDS + 1));
    } finally {
      await db.destroy();
    }
  }, 120_000);
});

