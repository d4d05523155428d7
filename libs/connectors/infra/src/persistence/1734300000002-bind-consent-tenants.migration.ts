import { type MigrationInterface, type QueryRunner, Table, TableColumn, TableForeignKey, TableIndex } from 'typeorm';

/**
 * Makes "one organisation per consented tenant" a constraint: consent_tenants has one row per tenant
 * (its organisation), and connectors.consent_tenant_id, set on admin-consent connectors whose consent
 * completed, must meet that row with its own org_id (a composite foreign key; NULL is not checked, in
 * PostgreSQL as in SQL Server). Existing consented connectors are bound; if two organisations already
 * hold one tenant the migration stops and names the connectors, for an operator to delete one.
 */
export class BindConsentTenants1734300000002 implements MigrationInterface {
  name = 'BindConsentTenants1734300000002';

  async up(q: QueryRunner): Promise<void> {
    const mssql = q.connection.options.type === 'mssql';
    const schema = (q.connection.options as { schema?: string }).schema ?? 'connectors';
    await q.createTable(
      new Table({
        name: `${schema}.consent_tenants`,
        columns: [
          { name: 'tenant_id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'org_id', type: 'varchar', length: '36' },
          { name: 'claimed_at', type: mssql ? 'datetimeoffset' : 'timestamp with time zone' },
        ],
        // What the foreign key refers to: the primary key alone already makes the pair unique.
        uniques: [{ name: 'uq_consent_tenants_org', columnNames: ['tenant_id', 'org_id'] }],
      }),
    );
    await q.addColumn(`${schema}.connectors`, new TableColumn({ name: 'consent_tenant_id', type: 'varchar', length: '36', isNullable: true }));
    // Also serves the foreign key's checks when a claim changes hands.
    await q.createIndex(`${schema}.connectors`, new TableIndex({ name: 'ix_connectors_consent_tenant', columnNames: ['consent_tenant_id', 'org_id'] }));
    await bindExisting(q, schema, mssql);
    await q.createForeignKey(
      `${schema}.connectors`,
      new TableForeignKey({
        name: 'fk_connectors_consent_tenant',
        columnNames: ['consent_tenant_id', 'org_id'],
        referencedTableName: `${schema}.consent_tenants`,
        referencedColumnNames: ['tenant_id', 'org_id'],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    const schema = (q.connection.options as { schema?: string }).schema ?? 'connectors';
    await q.dropForeignKey(`${schema}.connectors`, 'fk_connectors_consent_tenant');
    await q.dropIndex(`${schema}.connectors`, 'ix_connectors_consent_tenant');
    await q.dropColumn(`${schema}.connectors`, 'consent_tenant_id');
    await q.dropTable(`${schema}.consent_tenants`);
  }
}

interface ConnectorRow {
  id: string;
  org_id: string;
  settings: string;
  created_at: Date | string;
}

/** Binds the tenants of connectors consented before this migration, refusing to pick between organisations. */
async function bindExisting(q: QueryRunner, schema: string, mssql: boolean): Promise<void> {
  const escape = (name: string) => q.connection.driver.escape(name);
  const param = (i: number) => (mssql ? `@${i}` : `$${i + 1}`);
  const connectors = `${escape(schema)}.${escape('connectors')}`;
  const rows = (await q.query(`SELECT id, org_id, settings, created_at FROM ${connectors} WHERE kind = 'microsoft-365'`)) as ConnectorRow[];
  const byTenant = new Map<string, ConnectorRow[]>();
  for (const row of rows) {
    const settings = JSON.parse(row.settings) as { auth?: string; tenantId?: string };
    if (settings.auth !== 'admin-consent' || !settings.tenantId) continue;
    const tenant = settings.tenantId.toLowerCase();
    byTenant.set(tenant, [...(byTenant.get(tenant) ?? []), row]);
  }
  for (const [tenant, holders] of byTenant) {
    if (new Set(holders.map((h) => h.org_id)).size > 1) {
      throw new Error(`tenant ${tenant} is bound by admin consent to connectors of several organisations (${holders.map((h) => h.id).join(', ')}); delete all but one organisation's, then migrate again`);
    }
    const first = holders.reduce((a, b) => (new Date(a.created_at) <= new Date(b.created_at) ? a : b));
    await q.query(`INSERT INTO ${escape(schema)}.${escape('consent_tenants')} (tenant_id, org_id, claimed_at) VALUES (${param(0)}, ${param(1)}, ${param(2)})`, [tenant, first.org_id, new Date(first.created_at)]);
    for (const h of holders) await q.query(`UPDATE ${connectors} SET consent_tenant_id = ${param(0)} WHERE id = ${param(1)}`, [tenant, h.id]);
  }
}
