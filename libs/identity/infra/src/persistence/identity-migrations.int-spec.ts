import { IDENTITY_MIGRATIONS } from '../index';
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
    for (let i = 0; i < IDENTITY_MIGRATIONS.length; i += 1)
      await t.db.undoLastMigration({ transaction: 'each' });
    expect(await tablesIn('identity')).toEqual(['migrations']);
    const applied = await t.db.runMigrations({ transaction: 'each' });
    expect(applied).toHaveLength(6);
    expect(await tablesIn('identity')).toHaveLength(TABLES.length + 1);
  });

  const accountColumns = async () =>
    (
      await t.db.query<{ column_name: string }[]>(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = 'identity' AND table_name = 'accounts'",
      )
    ).map((r) => r.column_name);

  it('keeps email and real name only in sealed columns', async () => {
    const columns = await accountColumns();
    expect(columns).toEqual(expect.arrayContaining(['email_sealed', 'real_name_sealed']));
    expect(columns).not.toContain('email');
    expect(columns).not.toContain('real_name');
  });

  it('refuses to seal-migrate an account whose email is in clear, naming the column and never the value', async () => {
    await t.db.undoLastMigration({ transaction: 'each' });
    expect(await accountColumns()).toContain('email');
    const clearEmail = 'legacy.clear-91c2@contoso.example';
    await t.db.query(
      "INSERT INTO identity.accounts (id, login_name, display_name, email, mfa_enrolled, created_at) VALUES ('00000000-0000-4000-8000-000000000001', 'legacy', 'Legacy', $1, false, now())",
      [clearEmail],
    );
    const error: unknown = await t.db.runMigrations({ transaction: 'each' }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/1 account\(s\) hold email or real_name in clear/);
    expect((error as Error).message).not.toContain(clearEmail);
    // Nothing half-done: the clear column is still there and the migration is still pending.
    expect(await accountColumns()).toContain('email');
    await t.db.query('UPDATE identity.accounts SET email = NULL');
    await expect(t.db.runMigrations({ transaction: 'each' })).resolves.toHaveLength(1);
    expect(await accountColumns()).toContain('email_sealed');
  });
});
