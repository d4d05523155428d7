import { createServiceDataSource, migrateServiceSchema } from '@ferry/platform/persistence';
import { createTestDatabase, type TestDatabase } from '@ferry/platform/testing';
import type { DataSource } from 'typeorm';
import { AUDIT_ENTITIES, AUDIT_MIGRATIONS } from '../index';
import { TypeormAuditStore } from './typeorm-audit.store';

const ORG_A = '0b6f4c3e-3d2a-4c1b-9f8e-7a6b5c4d3e2f';
const ORG_B = '1c7f4c3e-3d2a-4c1b-9f8e-7a6b5c4d3e2f';
const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const summary = (n: number, orgId = ORG_A) => ({
  id: id(n),
  orgId,
  occurredAt: new Date('2026-01-01T00:00:00Z'),
  action: 'connector.created',
  outcome: 'success' as const,
});

describe('the audit store on PostgreSQL', () => {
  let database: TestDatabase;
  let sources: DataSource[];
  let store: TypeormAuditStore;

  beforeAll(async () => {
    database = await createTestDatabase('audit');
    sources = [0, 1].map(() =>
      createServiceDataSource({ url: database.url, service: 'audit', entities: AUDIT_ENTITIES, migrations: AUDIT_MIGRATIONS }),
    );
    for (const s of sources) await s.initialize();
    await migrateServiceSchema(sources[0]!);
    store = new TypeormAuditStore(sources[0]!);
  });
  afterAll(async () => {
    for (const s of sources) await s.destroy();
    await database.drop();
  });

  it('stores the published bytes unchanged and collapses a redelivered event', async () => {
    const first = await store.append(summary(1), new Uint8Array([1, 2, 3]));
    const again = await store.append(summary(1), new Uint8Array([1, 2, 3]));
    expect(first).toEqual({ sequence: 1n, duplicate: false });
    expect(again).toEqual({ sequence: 1n, duplicate: true });
    const [row] = await store.page(ORG_A, 10, undefined);
    expect(Array.from(row?.encoded ?? [])).toEqual([1, 2, 3]);
  });

  it('gives each organisation a gap-free sequence under concurrent appends from two replicas', async () => {
    const replicas = sources.map((s) => new TypeormAuditStore(s));
    await Promise.all(
      Array.from({ length: 40 }, (_, i) => replicas[i % 2]!.append(summary(100 + i, i % 4 === 0 ? ORG_B : ORG_A), new Uint8Array([i]))),
    );
    // Each event also redelivered to the other replica at the same time.
    await Promise.all(Array.from({ length: 40 }, (_, i) => replicas[(i + 1) % 2]!.append(summary(100 + i, i % 4 === 0 ? ORG_B : ORG_A), new Uint8Array([i]))));
    const a = (await store.page(ORG_A, 500, undefined)).map((r) => Number(r.sequence));
    const b = (await store.page(ORG_B, 500, undefined)).map((r) => Number(r.sequence));
    expect(a).toEqual(Array.from({ length: 31 }, (_, i) => 31 - i));
    expect(b).toEqual(Array.from({ length: 10 }, (_, i) => 10 - i));
  });

  it('pages strictly below a cursor sequence and only within the organisation', async () => {
    const page = await store.page(ORG_B, 3, 5n);
    expect(page.map((r) => r.sequence)).toEqual([4n, 3n, 2n]);
    expect(page.every((r) => r.summary.orgId === ORG_B)).toBe(true);
  });

  it('keeps its tables in its own schema', async () => {
    const tables: { table_schema: string; table_name: string }[] = await sources[0]!.query(
      "SELECT table_schema, table_name FROM information_schema.tables WHERE table_name IN ('events','chain_heads')",
    );
    expect(tables.every((t) => t.table_schema === 'audit')).toBe(true);
    expect(tables).toHaveLength(2);
  });
});
