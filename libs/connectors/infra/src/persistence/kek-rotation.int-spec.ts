import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  EnvelopeCipher,
  KeyProviderError,
  type KeyProvider,
  LocalKeyFileProvider,
  SealedValue,
  type WrappedKey,
} from '@ferry/platform/crypto';
import { createServiceDataSource, migrateServiceSchema } from '@ferry/platform/persistence';
import { createTestDatabase, type TestDatabase } from '@ferry/platform/testing';
import type { DataSource, Repository } from 'typeorm';
import {
  CONNECTORS_ENTITIES,
  CONNECTORS_MIGRATIONS,
  type KekRotationReport,
  rotateKek,
  secretContext,
} from '../index';
import { ConnectorEntity } from './connector.entity';
import { ConnectorSecretEntity } from './connector-secret.entity';
import type { KekRotationOptions } from './kek-rotation.types';

jest.setTimeout(60_000);

const ORG = '0b6f4c3e-3d2a-4c1b-9f8e-7a6b5c4d3e2f';
const CONNECTORS = [1, 2, 3].map((n) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`);

/** A provider that runs `beforeWrap` before delegating each wrap: where the tests play the running service. */
class HookedProvider implements KeyProvider {
  wraps = 0;

  constructor(
    private readonly inner: KeyProvider,
    private readonly beforeWrap: (n: number) => Promise<void> | void,
  ) {}

  get kind(): string {
    return this.inner.kind;
  }

  activeKeyId(): string {
    return this.inner.activeKeyId();
  }

  async wrap(dataKey: Buffer): Promise<WrappedKey> {
    this.wraps += 1;
    await this.beforeWrap(this.wraps);
    return this.inner.wrap(dataKey);
  }

  unwrap(wrapped: WrappedKey): Promise<Buffer> {
    return this.inner.unwrap(wrapped);
  }
}

describe('rotateKek on PostgreSQL', () => {
  let database: TestDatabase;
  let db: DataSource;
  let secrets: Repository<ConnectorSecretEntity>;
  let dir: string;
  let keys: LocalKeyFileProvider;
  let cipher: EnvelopeCipher;
  /** Plaintext of every seeded row, by `<connector>/<field>`. */
  let planted: Map<string, string>;

  beforeAll(async () => {
    database = await createTestDatabase('connectors_kek');
    db = createServiceDataSource({
      url: database.url,
      service: 'connectors',
      entities: CONNECTORS_ENTITIES,
      migrations: CONNECTORS_MIGRATIONS,
    });
    await db.initialize();
    await migrateServiceSchema(db);
    secrets = db.getRepository(ConnectorSecretEntity);
    const now = new Date();
    await db.getRepository(ConnectorEntity).insert(
      CONNECTORS.map((id) => ({
        id,
        orgId: ORG,
        name: `c-${id.slice(-1)}`,
        kind: 'imap' as const,
        settings: '{}',
        workloads: 'mail',
        projectTag: null,
        status: 'active' as const,
        version: 1,
        createdAt: now,
        updatedAt: now,
      })),
    );
  });
  afterAll(async () => {
    if (db?.isInitialized) await db.destroy();
    await database?.drop();
  });

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ferry-kek-rotation-'));
    keys = await LocalKeyFileProvider.open(join(dir, 'keyring.json'), { createIfMissing: true });
    cipher = new EnvelopeCipher(keys);
    planted = new Map();
    await secrets.clear();
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** Seals `count` secrets with `sealer` (default the job's cipher), spread over the connectors. */
  async function seed(count: number, sealer = cipher): Promise<void> {
    const rows: ConnectorSecretEntity[] = [];
    for (let i = 0; i < count; i++) {
      const connectorId = CONNECTORS[i % CONNECTORS.length] as string;
      const field = `user/p${String(i).padStart(4, '0')}`;
      const value = `Planted-secret-${i}-Kq7wZ`;
      planted.set(`${connectorId}/${field}`, value);
      const sealed = await sealer.seal(value, secretContext(ORG, connectorId, field));
      rows.push(secretRow(connectorId, field, sealed));
    }
    for (let i = 0; i < rows.length; i += 200) await secrets.insert(rows.slice(i, i + 200));
  }

  const refOf = (sealed: SealedValue) => `${sealed.wrappedKey.provider}:${sealed.wrappedKey.keyId}`;

  function secretRow(connectorId: string, field: string, sealed: SealedValue): ConnectorSecretEntity {
    return {
      connectorId,
      field,
      orgId: ORG,
      sealed,
      kekRef: refOf(sealed),
      fingerprint: 'f'.repeat(64),
      createdAt: new Date(),
      expiresAt: null,
      lastUsedAt: null,
    };
  }

  const allRows = () => secrets.find({ order: { connectorId: 'ASC', field: 'ASC' } });

  /** The running service replacing one secret: a new value sealed by `sealer`, written over the row. */
  async function serviceReplaces(
    row: ConnectorSecretEntity,
    value: string,
    sealer: EnvelopeCipher,
  ): Promise<void> {
    planted.set(`${row.connectorId}/${row.field}`, value);
    const sealed = await sealer.seal(value, secretContext(row.orgId, row.connectorId, row.field));
    await secrets.update(
      { connectorId: row.connectorId, field: row.field },
      { sealed, kekRef: refOf(sealed) },
    );
  }

  /** Every row opens with its own context to the value last written for it. */
  async function expectAllOpen(opener: EnvelopeCipher): Promise<void> {
    const rows = await allRows();
    expect(rows).toHaveLength(planted.size);
    for (const row of rows) {
      const opened = await opener.open(row.sealed, secretContext(row.orgId, row.connectorId, row.field));
      expect(opened.toString('utf8')).toBe(planted.get(`${row.connectorId}/${row.field}`));
    }
  }

  const run = (options: Partial<KekRotationOptions> = {}) =>
    rotateKek({ db, cipher, retryDelayMs: 0, ...options });

  it('moves every row to the new key in batches, keeping each payload and its binding to the row', async () => {
    await seed(450);
    const oldRef = `local:${keys.activeKeyId()}`;
    const before = new Map((await allRows()).map((r) => [r.field, r.sealed]));
    const newRef = `local:${await keys.rotate()}`;
    const progress: number[] = [];

    const report = await run({ batchSize: 200, onProgress: (p) => progress.push(p.rewrapped) });

    expect(report).toMatchObject({
      targetKey: newRef,
      batches: 3,
      examined: 450,
      rewrapped: 450,
      skippedChanged: 0,
      failed: 0,
      remaining: 0,
      remainingByKey: {},
      byOldKey: { [oldRef]: 450 },
      interrupted: false,
    });
    expect(progress).toEqual([200, 400, 450]);
    for (const row of await allRows()) {
      const old = before.get(row.field) as SealedValue;
      expect(row.kekRef).toBe(newRef);
      expect(refOf(row.sealed)).toBe(newRef);
      expect([row.sealed.iv, row.sealed.ciphertext, row.sealed.tag]).toEqual([
        old.iv,
        old.ciphertext,
        old.tag,
      ]);
    }
    await expectAllOpen(cipher);
    const moved = (await allRows())[0] as ConnectorSecretEntity;
    await expect(
      cipher.open(moved.sealed, secretContext(ORG, moved.connectorId, 'user/other')),
    ).rejects.toThrow('authentication-failed');
  });

  it('stops after one batch when told to, and a second run finishes the rest', async () => {
    await seed(250);
    const oldRef = `local:${keys.activeKeyId()}`;
    await keys.rotate();

    const first = await run({ batchSize: 100, maxBatches: 1 });
    const second = await run({ batchSize: 100 });

    expect(first).toMatchObject({
      interrupted: true,
      rewrapped: 100,
      remaining: 150,
      remainingByKey: { [oldRef]: 150 },
    });
    expect(second).toMatchObject({ interrupted: false, examined: 150, rewrapped: 150, remaining: 0 });
    await expectAllOpen(cipher);
  });

  it('stops when its signal is aborted, and resumes on the next run', async () => {
    await seed(30);
    await keys.rotate();
    const stop = new AbortController();

    const first = await run({ batchSize: 10, signal: stop.signal, onProgress: () => stop.abort() });
    const second = await run({ batchSize: 10 });

    expect(first).toMatchObject({ interrupted: true, batches: 1, rewrapped: 10, remaining: 20 });
    expect(second).toMatchObject({ rewrapped: 20, remaining: 0 });
  });

  it('leaves every row moved or untouched when the key provider fails mid-batch, and the next run finishes', async () => {
    await seed(40);
    await keys.rotate();
    const failing = new HookedProvider(keys, (n) => {
      if (n > 13) throw new KeyProviderError('access-denied', 'Key Vault wrap was denied (HTTP 403)');
    });

    await expect(run({ batchSize: 25, concurrency: 4, target: failing })).rejects.toThrow('was denied');
    const midway = await allRows();
    const resumed = await run({ batchSize: 25 });

    expect(midway.filter((r) => r.kekRef === `local:${keys.activeKeyId()}`)).toHaveLength(13);
    await expectAllOpen(cipher);
    expect(resumed).toMatchObject({ examined: 27, rewrapped: 27, remaining: 0 });
  });

  it('retries a row while the key provider is throttled', async () => {
    await seed(5);
    await keys.rotate();
    const throttled = new HookedProvider(keys, (n) => {
      if (n <= 2) throw new KeyProviderError('unavailable', 'Key Vault wrap was throttled (HTTP 429)');
    });

    const report = await run({ concurrency: 1, target: throttled });

    expect(report).toMatchObject({ rewrapped: 5, failed: 0, remaining: 0 });
    expect(throttled.wraps).toBe(7);
  });

  it('skips, and does not overwrite, a secret the service replaced under the new key meanwhile', async () => {
    await seed(3);
    await keys.rotate();
    const restartedService = new EnvelopeCipher(await LocalKeyFileProvider.open(keys.path));
    const [first] = await allRows();
    const racing = new HookedProvider(keys, async (n) => {
      if (n === 1)
        await serviceReplaces(
          first as ConnectorSecretEntity,
          'Replaced-by-service-New-9pX',
          restartedService,
        );
    });

    const report = await run({ concurrency: 1, target: racing });

    expect(report).toMatchObject({ examined: 3, rewrapped: 2, skippedChanged: 1, remaining: 0 });
    await expectAllOpen(cipher);
  });

  it('skips, and does not overwrite, a secret replaced by a service still sealing under the old key', async () => {
    const staleService = new EnvelopeCipher(await LocalKeyFileProvider.open(keys.path));
    await seed(3);
    const oldRef = `local:${keys.activeKeyId()}`;
    await keys.rotate();
    const [first] = await allRows();
    const racing = new HookedProvider(keys, async (n) => {
      if (n === 1)
        await serviceReplaces(first as ConnectorSecretEntity, 'Replaced-by-service-Old-3mR', staleService);
    });

    const report = await run({ concurrency: 1, target: racing });

    // Same kek_ref as the row the job read: only the sealed text tells the two apart.
    expect(report).toMatchObject({
      rewrapped: 2,
      skippedChanged: 1,
      remaining: 1,
      remainingByKey: { [oldRef]: 1 },
    });
    await expectAllOpen(cipher);
    expect(await run()).toMatchObject({ rewrapped: 1, remaining: 0 });
    await expectAllOpen(cipher);
  });

  it('skips a secret deleted meanwhile', async () => {
    await seed(2);
    await keys.rotate();
    const [first] = await allRows();
    const racing = new HookedProvider(keys, async (n) => {
      if (n === 1 && first) {
        await secrets.delete({ connectorId: first.connectorId, field: first.field });
        planted.delete(`${first.connectorId}/${first.field}`);
      }
    });

    const report = await run({ concurrency: 1, target: racing });

    expect(report).toMatchObject({ examined: 2, rewrapped: 1, skippedChanged: 1, remaining: 0 });
    await expectAllOpen(cipher);
  });

  it('lists rows whose data key will not unwrap or whose text is malformed, leaves them, and moves the rest', async () => {
    await seed(4);
    const oldRef = `local:${keys.activeKeyId()}`;
    const [a, b] = await allRows();
    const bytes = Buffer.from(a!.sealed.wrappedKey.bytes);
    bytes[0] = (bytes[0] as number) ^ 0xff;
    const tampered = new SealedValue(
      { ...a!.sealed.wrappedKey, bytes },
      a!.sealed.iv,
      a!.sealed.ciphertext,
      a!.sealed.tag,
    );
    await secrets.update({ connectorId: a!.connectorId, field: a!.field }, { sealed: tampered });
    await db.query(
      `UPDATE connectors.connector_secrets SET sealed = 'v1.not-sealed' WHERE connector_id = $1 AND field = $2`,
      [b!.connectorId, b!.field],
    );
    await keys.rotate();

    const report = await run();

    expect(report).toMatchObject({
      examined: 4,
      rewrapped: 2,
      failed: 2,
      remaining: 2,
      remainingByKey: { [oldRef]: 2 },
    });
    expect([...report.failures].sort((x, y) => x.field.localeCompare(y.field))).toEqual([
      { connectorId: a!.connectorId, field: a!.field, kekRef: oldRef, reason: 'key-unwrap-failed' },
      { connectorId: b!.connectorId, field: b!.field, kekRef: oldRef, reason: 'malformed' },
    ]);
    const [rawB] = await db.query<{ sealed: string }[]>(
      'SELECT sealed FROM connectors.connector_secrets WHERE connector_id = $1 AND field = $2',
      [b!.connectorId, b!.field],
    );
    expect(rawB?.sealed).toBe('v1.not-sealed');
  });

  it('moves every row to another keyring file, which alone opens them afterwards', async () => {
    await seed(20);
    const other = await LocalKeyFileProvider.open(join(dir, 'other.json'), { createIfMissing: true });

    const report = await run({ target: other, batchSize: 8 });

    expect(report).toMatchObject({ targetKey: `local:${other.activeKeyId()}`, rewrapped: 20, remaining: 0 });
    await expectAllOpen(new EnvelopeCipher(other));
    const [row] = await allRows();
    await expect(cipher.open(row!.sealed, secretContext(ORG, row!.connectorId, row!.field))).rejects.toThrow(
      'unknown-key',
    );
  });

  it('leaves no plaintext in a dump of the connectors schema, nor in its report', async () => {
    await seed(25);
    await keys.rotate();
    const progress: unknown[] = [];

    const report: KekRotationReport = await run({ batchSize: 10, onProgress: (p) => progress.push(p) });

    const dump = JSON.stringify([
      await db.query('SELECT * FROM connectors.connector_secrets'),
      await db.query('SELECT * FROM connectors.connectors'),
    ]);
    const output = JSON.stringify([report, progress]);
    expect(report.rewrapped).toBe(25);
    expect(dump).toContain(keys.activeKeyId());
    for (const value of planted.values()) {
      for (const form of [
        value,
        Buffer.from(value).toString('base64'),
        Buffer.from(value).toString('base64url'),
      ]) {
        expect(dump).not.toContain(form);
        expect(output).not.toContain(form);
      }
    }
  });
});
