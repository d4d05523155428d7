import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/** Server used when FERRY_TEST_DATABASE_URL is not set: the developer machine's PostgreSQL. */
export const DEFAULT_TEST_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';

/** A throw-away PostgreSQL database for one test file. */
export interface TestDatabase {
  /** URL of the new database (same server and credentials as the admin URL). */
  readonly url: string;
  /** Its name, `ferry_t_<prefix>_<random>`. */
  readonly name: string;
  /** Terminates connections left open to it and drops it. Safe to call twice. */
  drop(): Promise<void>;
}

/**
 * Creates a uniquely named database on the test server (FERRY_TEST_DATABASE_URL, else
 * {@link DEFAULT_TEST_DATABASE_URL}). `prefix` is folded to `[a-z0-9_]` and shortened so the name
 * stays within PostgreSQL's 63-byte limit.
 */
export async function createTestDatabase(prefix = 'db'): Promise<TestDatabase> {
  const adminUrl = process.env['FERRY_TEST_DATABASE_URL'] || DEFAULT_TEST_DATABASE_URL;
  const tag =
    prefix
      .toLowerCase()
      .replace(/[^a-z0-9_]+/g, '_')
      .slice(0, 32) || 'db';
  const name = `ferry_t_${tag}_${randomBytes(6).toString('hex')}`;
  await withAdmin(adminUrl, (client) => client.query(`CREATE DATABASE ${quoteIdent(name)}`));

  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  let dropped = false;
  return {
    url: url.toString(),
    name,
    async drop() {
      if (dropped) return;
      await withAdmin(adminUrl, async (client) => {
        await client.query(
          'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
          [name],
        );
        await client.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
      });
      dropped = true;
    },
  };
}

async function withAdmin<T>(adminUrl: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: adminUrl, application_name: 'ferry-test-database' });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
