import { auditEventFixture, EphemeralChainSigner, VerifyAuditChainUseCase } from '@ferry/audit/application';
import { createServiceDataSource, migrateServiceSchema } from '@ferry/platform/persistence';
import { createTestDatabase, type TestDatabase } from '@ferry/platform/testing';
import { AUDIT_ENTITIES, AUDIT_MIGRATIONS } from '../index';
import { CreateAuditTables1732300000000 } from './1732300000000-create-audit-tables.migration';
import { TypeormAuditChainStore } from './typeorm-audit-chain.store';
import { TypeormAuditStore } from './typeorm-audit.store';

const ORG = '5e7f4c3e-3d2a-4c1b-9f8e-7a6b5c4d3e2f';

describe('the chain migration', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase('audit_migrate');
  });
  afterAll(async () => {
    await database.drop();
  });

  it('chains the records stored before it, so the whole history verifies and appends continue the chain', async () => {
    const before = createServiceDataSource({ url: database.url, service: 'audit', entities: [], migrations: [CreateAuditTables1732300000000] });
    await before.initialize();
    await migrateServiceSchema(before);
    const old = Array.from({ length: 1205 }, (_, i) => auditEventFixture(i + 1, ORG));
    await before.query(
      `INSERT INTO audit.events (id, org_id, sequence, occurred_at, recorded_at, action, outcome, payload)
       SELECT id, $1, sequence, occurred_at, now(), action, 'success', payload FROM unnest($2::varchar[], $3::bigint[], $4::timestamptz[], $5::varchar[], $6::text[]) AS t(id, sequence, occurred_at, action, payload)`,
      [ORG, old.map((e) => e.summary.id), old.map((_, i) => i + 1), old.map((e) => e.summary.occurredAt.toISOString()), old.map((e) => e.summary.action), old.map((e) => Buffer.from(e.encoded).toString('base64'))],
    );
    await before.query("INSERT INTO audit.chain_heads (org_id, sequence) VALUES ($1, 1205)", [ORG]);
    await before.destroy();

    const db = createServiceDataSource({ url: database.url, service: 'audit', entities: AUDIT_ENTITIES, migrations: AUDIT_MIGRATIONS });
    await db.initialize();
    try {
      expect(await migrateServiceSchema(db)).toEqual(['ChainAuditEvents1734500000001', 'IndexAuditQueryColumns1736000000000']);
      await new TypeormAuditStore(db).appendBatch([auditEventFixture(5000, ORG)]);
      const verify = new VerifyAuditChainUseCase(new TypeormAuditChainStore(db), new EphemeralChainSigner());
      const result = await verify.execute(ORG);
      expect(result).toMatchObject({ records: 1206, lastSequence: 1206n, headSequence: 1206n });
      expect(result.violation).toBeUndefined();
      const nulls = await db.query<{ n: string }[]>('SELECT count(*) AS n FROM audit.events WHERE hash IS NULL OR prev_hash IS NULL');
      expect(nulls[0]?.n).toBe('0');
    } finally {
      await db.destroy();
    }
  }, 60_000);
});
