import { createTestDatabase, type TestDatabase } from '@ferry/platform/testing';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import {
  Broken1700000000009,
  CreateGadget1700000000003,
  CreateWidget1700000000001,
  IndexWidgetLabel1700000000002,
  Widget,
} from './fixtures/widget-migrations.fixture';
import { migrateServiceSchema } from './schema-migration.runner';
import { createServiceDataSource } from './service-data-source.factory';
import type { ServiceDataSourceOptions } from './service-data-source.options';

const WIDGET_MIGRATIONS = [CreateWidget1700000000001, IndexWidgetLabel1700000000002];

let db: TestDatabase;
const opened: DataSource[] = [];

async function connect(
  service: string,
  migrations: ServiceDataSourceOptions['migrations'],
  entities: ServiceDataSourceOptions['entities'] = [],
): Promise<DataSource> {
  const ds = createServiceDataSource({ url: db.url, service, entities, migrations });
  opened.push(ds);
  return ds.initialize();
}

async function sql<T>(text: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: db.url });
  await client.connect();
  try {
    return (await client.query(text, params)).rows as T[];
  } finally {
    await client.end();
  }
}

const userTables = () =>
  sql<{ table_schema: string; table_name: string }>(
    `SELECT table_schema, table_name FROM information_schema.tables
     WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2`,
  );

beforeEach(async () => {
  db = await createTestDatabase('persistence');
});

afterEach(async () => {
  await Promise.all(opened.splice(0).map((ds) => (ds.isInitialized ? ds.destroy() : Promise.resolve())));
  await db.drop();
});

it('runs migrations once and creates tables only in the service schema', async () => {
  const ds = await connect('connectors', WIDGET_MIGRATIONS, [Widget]);

  const applied = await migrateServiceSchema(ds);

  expect(applied).toEqual(['CreateWidget1700000000001', 'IndexWidgetLabel1700000000002']);
  expect(await userTables()).toEqual([
    { table_schema: 'connectors', table_name: 'migrations' },
    { table_schema: 'connectors', table_name: 'widget' },
  ]);
  // Entities resolve to the same schema the migrations wrote into.
  await ds.getRepository(Widget).save({ label: 'first' });
  expect(await sql('SELECT label FROM connectors.widget')).toEqual([{ label: 'first' }]);
});

it('treats a second migrate as a no-op', async () => {
  const ds = await connect('connectors', WIDGET_MIGRATIONS);
  await migrateServiceSchema(ds);

  await expect(migrateServiceSchema(ds)).resolves.toEqual([]);
  expect(await sql('SELECT name FROM connectors.migrations ORDER BY id')).toHaveLength(2);
});

it('applies migrations once when two replicas migrate at the same time', async () => {
  const [a, b] = await Promise.all([
    connect('connectors', WIDGET_MIGRATIONS),
    connect('connectors', WIDGET_MIGRATIONS),
  ]);

  const [fromA, fromB] = await Promise.all([migrateServiceSchema(a), migrateServiceSchema(b)]);

  // One replica applied both; the other waited on the lock and found nothing pending.
  expect([fromA, fromB].map((names) => names.length).sort()).toEqual([0, 2]);
  expect(await sql('SELECT name FROM connectors.migrations ORDER BY id')).toEqual([
    { name: 'CreateWidget1700000000001' },
    { name: 'IndexWidgetLabel1700000000002' },
  ]);
});

it('keeps two services in separate schemas with separate migration histories', async () => {
  const connectors = await connect('connectors', WIDGET_MIGRATIONS);
  const identity = await connect('identity', [CreateGadget1700000000003]);

  await migrateServiceSchema(connectors);
  await migrateServiceSchema(identity);

  expect(await sql('SELECT name FROM connectors.migrations ORDER BY id')).toEqual([
    { name: 'CreateWidget1700000000001' },
    { name: 'IndexWidgetLabel1700000000002' },
  ]);
  expect(await sql('SELECT name FROM identity.migrations')).toEqual([{ name: 'CreateGadget1700000000003' }]);
  expect(await userTables()).toEqual([
    { table_schema: 'connectors', table_name: 'migrations' },
    { table_schema: 'connectors', table_name: 'widget' },
    { table_schema: 'identity', table_name: 'gadget' },
    { table_schema: 'identity', table_name: 'migrations' },
  ]);
});

it('releases the lock after a failed migration so another replica can proceed', async () => {
  const broken = await connect('connectors', [...WIDGET_MIGRATIONS, Broken1700000000009]);
  await expect(migrateServiceSchema(broken)).rejects.toThrow(/no_such_table/);

  const healthy = await connect('connectors', WIDGET_MIGRATIONS);
  await expect(migrateServiceSchema(healthy)).resolves.toEqual([]);
  // The failed migration rolled back on its own; the ones before it stayed applied.
  expect(await sql("SELECT to_regclass('connectors.broken') AS broken")).toEqual([{ broken: null }]);
  const held = await sql(
    `SELECT count(*)::int AS n FROM pg_locks
     WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
  );
  expect(held).toEqual([{ n: 0 }]);
});

it('opens connections with the service application name, statement timeout and search path', async () => {
  const ds = await connect('connectors', WIDGET_MIGRATIONS);
  await migrateServiceSchema(ds);

  const [settings] = await ds.query<{ app: string; timeout: string; path: string }[]>(
    `SELECT current_setting('application_name') AS app, current_setting('statement_timeout') AS timeout,
            current_setting('search_path') AS path`,
  );

  expect(settings!.app).toMatch(/^ferry-connectors@/);
  expect(settings!.timeout).toBe('30s');
  expect(settings!.path).toBe('connectors');
});

it('creates entity tables in the service schema when synchronizing for tests', async () => {
  const ds = createServiceDataSource({
    url: db.url,
    service: 'audit',
    entities: [Widget],
    migrations: [],
    synchronizeForTests: true,
  });
  opened.push(ds);
  await ds.initialize();

  await migrateServiceSchema(ds);

  expect(await userTables()).toEqual([
    { table_schema: 'audit', table_name: 'migrations' },
    { table_schema: 'audit', table_name: 'widget' },
  ]);
});
