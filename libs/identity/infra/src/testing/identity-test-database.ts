import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EnvelopeCipher, LocalKeyFileProvider } from '@ferry/platform/crypto';
import { createServiceDataSource, migrateServiceSchema } from '@ferry/platform/persistence';
import { createTestDatabase, type TestDatabase } from '@ferry/platform/testing';
import type { DataSource } from 'typeorm';
import { IDENTITY_ENTITIES, IDENTITY_MIGRATIONS } from '../index';

/** A fresh database with the identity schema migrated, seen by `replicas` data sources, and a cipher. */
export interface IdentityTestDatabase {
  readonly database: TestDatabase;
  /** One DataSource per simulated replica; `sources[0]` is `db`. */
  readonly sources: readonly DataSource[];
  readonly db: DataSource;
  readonly cipher: EnvelopeCipher;
  /** Closes the data sources, drops the database and removes the key ring. */
  close(): Promise<void>;
}

export async function openIdentityTestDatabase(prefix: string, replicas = 1): Promise<IdentityTestDatabase> {
  const database = await createTestDatabase(prefix);
  const sources = Array.from({ length: replicas }, () =>
    createServiceDataSource({
      url: database.url,
      service: 'identity',
      entities: IDENTITY_ENTITIES,
      migrations: IDENTITY_MIGRATIONS,
    }),
  );
  for (const s of sources) await s.initialize();
  await migrateServiceSchema(sources[0]!);
  const keyDir = mkdtempSync(join(tmpdir(), 'ferry-identity-kek-'));
  const cipher = new EnvelopeCipher(
    await LocalKeyFileProvider.open(join(keyDir, 'kek.json'), { createIfMissing: true }),
  );
  return {
    database,
    sources,
    db: sources[0]!,
    cipher,
    async close() {
      for (const s of sources) if (s.isInitialized) await s.destroy();
      await database.drop();
      rmSync(keyDir, { recursive: true, force: true });
    },
  };
}

/** Every column of every row of `table` as one string, to look for planted secrets. */
export async function dumpTable(db: DataSource, table: string): Promise<string> {
  const rows: unknown[] = await db.query(`SELECT * FROM identity.${table}`);
  return JSON.stringify(rows);
}
