import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConsentActivation } from '@ferry/connectors/application';
import type { Connector } from '@ferry/connectors/domain';
import { EnvelopeCipher, LocalKeyFileProvider } from '@ferry/platform/crypto';
import { createServiceDataSource, migrateServiceSchema } from '@ferry/platform/persistence';
import { createTestDatabase, type TestDatabase } from '@ferry/platform/testing';
import type { DataSource } from 'typeorm';
import { CONNECTORS_ENTITIES, CONNECTORS_MIGRATIONS } from '../index';
import { ConnectorEntity } from './connector.entity';
import { toRow } from './connector.mapper';
import { ConsentTenantEntity } from './consent-tenant.entity';
import { TypeormOnboardingStore } from './typeorm-onboarding.store';

jest.setTimeout(60_000);

const ORG = '0b6f4c3e-3d2a-4c1b-9f8e-7a6b5c4d3e2f';
const OTHER_ORG = '1c7a5d4f-4e3b-4d2c-8a9f-8b7c6d5e4f3a';
const APP = '1f2e3d4c-5b6a-4978-8695-a4b3c2d1e0f9';
const tenant = (n: number) => `7e000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
let ids = 0;
const nextId = () => `c0000000-0000-4000-8000-${String(++ids).padStart(12, '0')}`;
/** The migrations before consent tenants were bound: the schema the backfill starts from. */
const BEFORE_BINDING = CONNECTORS_MIGRATIONS.slice(0, CONNECTORS_MIGRATIONS.findIndex((m) => m.name === 'BindConsentTenants1734300000002'));

function consentConnector(orgId: string, tenantId = '', overrides: Partial<Connector> = {}): Connector {
  const now = new Date();
  return {
    id: nextId(),
    orgId,
    name: 'Consented',
    kind: 'microsoft-365',
    settings: { kind: 'microsoft-365', auth: 'admin-consent', tenantId, clientId: APP, cloud: 'global' },
    workloads: ['mail'],
    projectTag: null,
    status: tenantId === '' ? 'pending-consent' : 'active',
    version: 1,
    createdAt: now,
    updatedAt: now,
    ...overrides,
  };
}

/** The connector as its consent completes for `tenantId`. */
function consented(c: Connector, tenantId: string): Connector {
  return { ...c, settings: { kind: 'microsoft-365', auth: 'admin-consent', tenantId, clientId: APP, cloud: 'global' }, status: 'active', version: c.version + 1, updatedAt: new Date() };
}

async function dataSource(url: string, migrations: readonly (typeof CONNECTORS_MIGRATIONS)[number][]): Promise<DataSource> {
  const db = createServiceDataSource({ url, service: 'connectors', entities: CONNECTORS_ENTITIES, migrations: [...migrations] });
  await db.initialize();
  await migrateServiceSchema(db);
  return db;
}

/** Writes a connector row as the schema before the binding had it (no consent_tenant_id). */
async function insertOldRow(db: DataSource, c: Connector): Promise<void> {
  await db.query(
    'INSERT INTO connectors.connectors (id, org_id, name, kind, settings, workloads, project_tag, status, version, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, NULL, $7, $8, $9, $10)',
    [c.id, c.orgId, c.name, c.kind, JSON.stringify(c.settings), c.workloads.join(','), c.status, c.version, c.createdAt, c.updatedAt],
  );
}

describe('migration BindConsentTenants1734300000002', () => {
  const databases: TestDatabase[] = [];
  afterAll(async () => {
    for (const d of databases) await d.drop();
  });

  it('binds the tenants of connectors consented before it, several connectors of one organisation sharing one', async () => {
    const database = await createTestDatabase('connectors_consent_backfill');
    databases.push(database);
    const before = await dataSource(database.url, BEFORE_BINDING);
    const shared = [consentConnector(ORG, tenant(1)), consentConnector(ORG, tenant(1), { status: 'credentials-removed' })];
    const pending = consentConnector(ORG);
    const other = consentConnector(OTHER_ORG, tenant(2));
    for (const c of [...shared, pending, other]) await insertOldRow(before, c);
    await before.destroy();
    const after = await dataSource(database.url, CONNECTORS_MIGRATIONS);
    try {
      const rows = await after.getRepository(ConnectorEntity).find({ order: { id: 'ASC' } });
      expect(rows.map((r) => [r.id, r.consentTenantId])).toEqual([
        [shared[0]!.id, tenant(1)],
        [shared[1]!.id, tenant(1)],
        [pending.id, null],
        [other.id, tenant(2)],
      ]);
      const claims = await after.getRepository(ConsentTenantEntity).find({ order: { tenantId: 'ASC' } });
      expect(claims.map((c) => [c.tenantId, c.orgId])).toEqual([
        [tenant(1), ORG],
        [tenant(2), OTHER_ORG],
      ]);
    } finally {
      await after.destroy();
    }
  });

  it('stops, naming the connectors, when two organisations already hold one tenant', async () => {
    const database = await createTestDatabase('connectors_consent_conflict');
    databases.push(database);
    const before = await dataSource(database.url, BEFORE_BINDING);
    const a = consentConnector(ORG, tenant(3));
    const b = consentConnector(OTHER_ORG, tenant(3));
    for (const c of [a, b]) await insertOldRow(before, c);
    await before.destroy();
    const after = createServiceDataSource({ url: database.url, service: 'connectors', entities: CONNECTORS_ENTITIES, migrations: [...CONNECTORS_MIGRATIONS] });
    await after.initialize();
    try {
      const err = await migrateServiceSchema(after).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Error);
      expect((err as Error).message).toContain(`tenant ${tenant(3)} is bound by admin consent to connectors of several organisations`);
      expect((err as Error).message).toContain(a.id);
      // Nothing of it stays: the migration ran in its own transaction.
      const [column] = await after.query<unknown[]>("SELECT 1 FROM information_schema.columns WHERE table_schema = 'connectors' AND table_name = 'connectors' AND column_name = 'consent_tenant_id'");
      expect(column).toBeUndefined();
    } finally {
      await after.destroy();
    }
  });
});

describe('TypeormOnboardingStore.activateConsent on PostgreSQL', () => {
  let database: TestDatabase;
  let db: DataSource;
  let store: TypeormOnboardingStore;
  let keyDir: string;

  beforeAll(async () => {
    database = await createTestDatabase('connectors_consent');
    db = await dataSource(database.url, CONNECTORS_MIGRATIONS);
    keyDir = await mkdtemp(join(tmpdir(), 'ferry-consent-tenants-'));
    store = new TypeormOnboardingStore(db, new EnvelopeCipher(await LocalKeyFileProvider.open(join(keyDir, 'keyring.json'), { createIfMissing: true })));
  });
  afterAll(async () => {
    if (db?.isInitialized) await db.destroy();
    await database?.drop();
    await rm(keyDir, { recursive: true, force: true });
  });

  /** A pending connector, stored. */
  const pending = async (orgId: string): Promise<Connector> => {
    const c = consentConnector(orgId);
    await db.getRepository(ConnectorEntity).insert(toRow(c));
    return c;
  };
  const activate = (c: Connector, tenantId: string, beforeCommit: () => Promise<void> = async () => undefined) => store.activateConsent(consented(c, tenantId), c.version, beforeCommit);
  const row = (c: Connector) => db.getRepository(ConnectorEntity).findOneByOrFail({ id: c.id });
  const claimOf = async (tenantId: string) => (await db.getRepository(ConsentTenantEntity).findOneBy({ tenantId }))?.orgId;
  /** Resolves once another session of this database waits for a lock: the rival transaction is blocked on ours. */
  const rivalBlocked = async () => {
    for (let i = 0; i < 200; i++) {
      const [r] = await db.query<{ n: number }[]>("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'");
      if ((r?.n ?? 0) > 0) return;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error('the rival transaction never waited for ours');
  };
  /**
   * Runs `first` with `second` started inside its transaction (after its writes, before its commit),
   * once `second` is blocked on it: both have read the tenant's claim before either committed.
   */
  const race = async (first: Connector, second: Connector, tenantId: string): Promise<[ConsentActivation, ConsentActivation]> => {
    let rival: Promise<ConsentActivation> | undefined;
    const won = await activate(first, tenantId, async () => {
      rival = activate(second, tenantId);
      await rivalBlocked();
    });
    return [won, await rival!];
  };

  it('binds the tenant to the organisation and activates the connector in one transaction', async () => {
    const c = await pending(ORG);
    expect(await activate(c, tenant(10))).toBe('activated');
    expect(await row(c)).toMatchObject({ status: 'active', version: 2, consentTenantId: tenant(10) });
    expect(await claimOf(tenant(10))).toBe(ORG);
  });

  it('lets one of two organisations racing for a tenant bind it: the other is refused by the constraint, not a check', async () => {
    const [a, b] = [await pending(ORG), await pending(OTHER_ORG)];
    expect(await race(a, b, tenant(11))).toEqual(['activated', 'tenant-held-elsewhere']);
    expect(await row(a)).toMatchObject({ status: 'active', consentTenantId: tenant(11) });
    expect(await row(b)).toMatchObject({ status: 'pending-consent', consentTenantId: null, version: 1 });
    expect(await claimOf(tenant(11))).toBe(ORG);
  });

  it('lets two connectors of one organisation racing for a tenant both bind it', async () => {
    const [a, b] = [await pending(ORG), await pending(ORG)];
    expect(await race(a, b, tenant(12))).toEqual(['activated', 'activated']);
    expect((await row(b)).consentTenantId).toBe(tenant(12));
  });

  it("hands a tenant whose connectors were all deleted to another organisation, but not while the holder's activation is in flight", async () => {
    const gone = await pending(ORG);
    await activate(gone, tenant(13));
    await db.getRepository(ConnectorEntity).delete({ id: gone.id });
    // The holder consents again while another organisation tries to take the unreferenced claim.
    const [again, rival] = [await pending(ORG), await pending(OTHER_ORG)];
    expect(await race(again, rival, tenant(13))).toEqual(['activated', 'tenant-held-elsewhere']);
    expect(await claimOf(tenant(13))).toBe(ORG);
    await db.getRepository(ConnectorEntity).delete({ id: again.id });
    expect(await activate(rival, tenant(13))).toBe('activated');
    expect(await claimOf(tenant(13))).toBe(OTHER_ORG);
  });

  it('answers connector-changed when the connector moved on, and leaves no claim behind', async () => {
    const c = await pending(ORG);
    expect(await store.activateConsent(consented(c, tenant(14)), c.version + 5, async () => undefined)).toBe('connector-changed');
    expect(await claimOf(tenant(14))).toBeUndefined();
    expect((await row(c)).status).toBe('pending-consent');
  });

  it('leaves nothing when the grant cannot be audited before commit', async () => {
    const c = await pending(ORG);
    await expect(activate(c, tenant(15), async () => Promise.reject(new Error('audit down')))).rejects.toThrow('audit down');
    expect(await claimOf(tenant(15))).toBeUndefined();
    expect((await row(c)).status).toBe('pending-consent');
  });

  it('refuses, in the database itself, a connector naming a tenant another organisation holds', async () => {
    const holder = await pending(ORG);
    await activate(holder, tenant(16));
    const intruder = await pending(OTHER_ORG);
    await expect(db.query('UPDATE connectors.connectors SET consent_tenant_id = $1 WHERE id = $2', [tenant(16), intruder.id])).rejects.toMatchObject({ driverError: { code: '23503' } });
    await expect(db.query('UPDATE connectors.consent_tenants SET org_id = $1 WHERE tenant_id = $2', [OTHER_ORG, tenant(16)])).rejects.toMatchObject({ driverError: { code: '23503' } });
    await expect(db.query('INSERT INTO connectors.consent_tenants (tenant_id, org_id, claimed_at) VALUES ($1, $2, now())', [tenant(16), OTHER_ORG])).rejects.toMatchObject({ driverError: { code: '23505' } });
  });

  it('tells whether another organisation holds a tenant', async () => {
    await activate(await pending(ORG), tenant(17));
    expect(await store.tenantHeldElsewhere(OTHER_ORG, tenant(17))).toBe(true);
    expect(await store.tenantHeldElsewhere(ORG, tenant(17))).toBe(false);
    expect(await store.tenantHeldElsewhere(OTHER_ORG, tenant(99))).toBe(false);
  });
});
