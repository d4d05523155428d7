import { Client } from 'pg';
import { createTestDatabase, DEFAULT_TEST_DATABASE_URL } from './test-database';

async function databaseExists(name: string): Promise<boolean> {
  const admin = new Client({
    connectionString: process.env['FERRY_TEST_DATABASE_URL'] || DEFAULT_TEST_DATABASE_URL,
  });
  await admin.connect();
  try {
    const { rows } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    return rows.length === 1;
  } finally {
    await admin.end();
  }
}

it('creates a uniquely named database that its URL connects to', async () => {
  const [a, b] = await Promise.all([createTestDatabase('Unit Test-1'), createTestDatabase('unit_test_1')]);
  try {
    expect(a.name).toMatch(/^ferry_t_unit_test_1_[0-9a-f]{12}$/);
    expect(a.name).not.toBe(b.name);
    const client = new Client({ connectionString: a.url });
    await client.connect();
    const { rows } = await client.query<{ db: string }>('SELECT current_database() AS db');
    await client.end();
    expect(rows).toEqual([{ db: a.name }]);
  } finally {
    await Promise.all([a.drop(), b.drop()]);
  }
});

it('drops the database even while a connection to it is still open', async () => {
  const db = await createTestDatabase('leftover');
  const leftover = new Client({ connectionString: db.url });
  leftover.on('error', () => undefined); // terminated by drop(), as intended
  await leftover.connect();

  await db.drop();

  expect(await databaseExists(db.name)).toBe(false);
  await expect(db.drop()).resolves.toBeUndefined();
  await leftover.end().catch(() => undefined);
});

it('keeps generated names within the 63-byte identifier limit', async () => {
  const db = await createTestDatabase('x'.repeat(200));
  try {
    expect(db.name.length).toBeLessThanOrEqual(63);
    expect(await databaseExists(db.name)).toBe(true);
  } finally {
    await db.drop();
  }
});
