import { openIdentityTestDatabase, type IdentityTestDatabase } from '../testing/identity-test-database';

const TABLES = [
  'account_roles',
  'accounts',
  'organisations',
  'pending_steps',
  'recovery_codes',
  'refresh_tokens',
  'sessions',
  'signing_keys',
  'sso_transactions',
  'throttle_counters',
];

describe('identity migrations on PostgreSQL', () => {
  let t: IdentityTestDatabase;

  beforeAll(async () => {
    t = await openIdentityTestDatabase('identity_migrations');
  });
  afterAll(async () => {
    await t.close();
  });

  const tablesIn = async (schema: string) =>
    (
      await t.db.query<{ table_name: string }[]>(
        'SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name',
        [schema],
      )
    ).map((r) => r.table_name);

  it('creates every table in the identity schema and none in public', async () => {
    expect(await tablesIn('identity')).toEqual([...TABLES, 'migrations'].sort());
    expect((await tablesIn('public')).filter((name) => TABLES.includes(name))).toEqual([]);
  });

  it('reverts every migration and applies them again', async () => {
    for (let i = 0; i < 5; i += 1) await t.db.undoLastMigration({ transaction: 'each' });
    expect(await tablesIn('identity')).toEqual(['migrations']);
    const applied = await t.db.runMigrations({ transaction: 'each' });
    expect(applied).toHaveLength(5);
    expect(await tablesIn('identity')).toHaveLength(TABLES.length + 1);
  });
});
