import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DecryptionError, EnvelopeCipher, LocalKeyFileProvider, SealedValue } from '@ferry/platform/crypto';
import { createServiceDataSource, migrateServiceSchema } from '@ferry/platform/persistence';
import { createTestDatabase, type TestDatabase } from '@ferry/platform/testing';
import type { DataSource } from 'typeorm';
import { CONNECTORS_ENTITIES, CONNECTORS_MIGRATIONS } from '../index';
import { secretContext, TypeormConnectorRepository } from './typeorm-connector.repository';

const ORG = '0b6f4c3e-3d2a-4c1b-9f8e-7a6b5c4d3e2f';
const OTHER = '1c7f4c3e-3d2a-4c1b-9f8e-7a6b5c4d3e2f';
const SECRET = 'planted-client-secret-Zx9!';

describe('connector storage on PostgreSQL', () => {
  let database: TestDatabase;
  let db: DataSource;
  let cipher: EnvelopeCipher;
  let repo: TypeormConnectorRepository;
  let keyDir: string;

  beforeAll(async () => {
    database = await createTestDatabase('connectors');
    db = createServiceDataSource({ url: database.url, service: 'connectors', entities: CONNECTORS_ENTITIES, migrations: CONNECTORS_MIGRATIONS });
    await db.initialize();
    await migrateServiceSchema(db);
    keyDir = mkdtempSync(join(tmpdir(), 'ferry-kek-'));
    cipher = new EnvelopeCipher(await LocalKeyFileProvider.open(join(keyDir, 'kek.json'), { createIfMissing: true }));
    repo = new TypeormConnectorRepository(db, cipher);
  });
  afterAll(async () => {
    await db.destroy();
    await database.drop();
    rmSync(keyDir, { recursive: true, force: true });
  });

  const connector = (id: string, orgId = ORG) => ({
    id,
    orgId,
    name: 'Contoso',
    kind: 'microsoft-365' as const,
    createdAt: new Date(),
    secretFingerprint: 'fp',
  });

  it('stores the secret sealed: no table dump contains it in clear', async () => {
    await repo.insertWithSecret(connector('00000000-0000-4000-8000-000000000001'), SECRET);
    const rows: Record<string, unknown>[] = await db.query('SELECT * FROM connectors.connectors');
    const dump = JSON.stringify(rows);
    expect(dump).not.toContain(SECRET);
    expect(dump).not.toContain(Buffer.from(SECRET).toString('base64'));
    const sealed = SealedValue.parse(String(rows[0]?.['secret_sealed']));
    expect((await cipher.open(sealed, secretContext(ORG, '00000000-0000-4000-8000-000000000001'))).toString()).toBe(SECRET);
  });

  it('binds the sealed secret to its row: copied to another connector or organisation it does not open', async () => {
    const [row] = await db.query<{ secret_sealed: string }[]>(
      "SELECT secret_sealed FROM connectors.connectors WHERE id = '00000000-0000-4000-8000-000000000001'",
    );
    const sealed = SealedValue.parse(row!.secret_sealed);
    await expect(cipher.open(sealed, secretContext(ORG, '00000000-0000-4000-8000-000000000002'))).rejects.toBeInstanceOf(DecryptionError);
    await expect(cipher.open(sealed, secretContext(OTHER, '00000000-0000-4000-8000-000000000001'))).rejects.toBeInstanceOf(DecryptionError);
  });

  it('lists only the organisation own connectors, without secrets', async () => {
    await repo.insertWithSecret(connector('00000000-0000-4000-8000-000000000003', OTHER), 'other-secret');
    const listed = await repo.listByOrg(ORG);
    expect(listed.map((c) => c.id)).toEqual(['00000000-0000-4000-8000-000000000001']);
    expect(JSON.stringify(listed)).not.toContain('v1.');
    expect(Object.keys(listed[0]!)).not.toContain('secret');
  });

  it('refuses to write plaintext into the sealed column', async () => {
    await expect(
      db.getRepository('ConnectorEntity').insert({ ...connector('00000000-0000-4000-8000-000000000004'), secret: SECRET }),
    ).rejects.toThrow(/accepts only a SealedValue/);
  });
});
