import { setTimeout as sleep } from 'node:timers/promises';
import {
  DecryptionError,
  KeyProviderError,
  SealedValue,
  SealedValueFormatError,
} from '@ferry/platform/crypto';
import type { DataSource } from 'typeorm';
import { ConnectorSecretEntity } from './connector-secret.entity';
import type {
  KekRotationFailure,
  KekRotationOptions,
  KekRotationProgress,
  KekRotationReport,
} from './kek-rotation.types';
import { kekRefOf } from './secret-sealer';

export type { KekRotationFailure, KekRotationOptions, KekRotationProgress, KekRotationReport };

const DEFAULTS = { batchSize: 200, concurrency: 8, attempts: 4, retryDelayMs: 1000 } as const;
const MAX_LISTED_FAILURES = 100;

/** One row as the job reads it: its identity, its key reference and the sealed text, nothing else. */
interface SealedRow {
  readonly connectorId: string;
  readonly field: string;
  readonly kekRef: string;
  readonly sealed: string;
}

type Totals = { -readonly [K in keyof KekRotationProgress]: KekRotationProgress[K] };

/**
 * Moves every connector secret's data key to the target's active key-encryption key, without decrypting
 * any payload. Rows are read in primary-key order in batches and each is written back with a
 * compare-and-set on its old sealed text, so a secret the running service replaced meanwhile is left as the
 * service wrote it. Resumable: stopped at any point, a new run picks up the rows still on other keys.
 * Throws on a database or key-provider failure (other than a row whose data key will not unwrap).
 */
export async function rotateKek(options: KekRotationOptions): Promise<KekRotationReport> {
  const settings = validated(options);
  const { db, cipher, target, signal } = options;
  const targetKey = target ? `${target.kind}:${target.activeKeyId()}` : refOfActive(options);
  const totals: Totals = { batches: 0, examined: 0, rewrapped: 0, skippedChanged: 0, failed: 0 };
  const byOldKey: Record<string, number> = {};
  const failures: KekRotationFailure[] = [];
  let after: SealedRow | undefined;
  let interrupted = false;

  for (;;) {
    if (signal?.aborted || (options.maxBatches !== undefined && totals.batches >= options.maxBatches)) {
      interrupted = true;
      break;
    }
    const rows = await nextBatch(db, targetKey, after, settings.batchSize);
    if (rows.length === 0) break;
    after = rows[rows.length - 1];
    const stopped = await eachLimited(rows, settings.concurrency, signal, async (row) => {
      totals.examined += 1;
      const outcome = await moveRow(db, row, (sealed) =>
        retrying(settings, () => cipher.rewrap(sealed, target)),
      );
      if (outcome === 'rewrapped') {
        totals.rewrapped += 1;
        byOldKey[row.kekRef] = (byOldKey[row.kekRef] ?? 0) + 1;
      } else if (outcome === 'changed') {
        totals.skippedChanged += 1;
      } else {
        totals.failed += 1;
        if (failures.length < MAX_LISTED_FAILURES) failures.push(outcome);
      }
    });
    totals.batches += 1;
    options.onProgress?.({ ...totals });
    if (stopped) {
      interrupted = true;
      break;
    }
    // A short batch was the last one: no need to ask again (nor to call a maxBatches stop an interruption).
    if (rows.length < settings.batchSize) break;
  }

  const remainingByKey = await countByKey(db, targetKey);
  const remaining = Object.values(remainingByKey).reduce((sum, n) => sum + n, 0);
  return { ...totals, targetKey, byOldKey, remaining, remainingByKey, failures, interrupted };
}

function refOfActive(options: KekRotationOptions): string {
  const { provider, keyId } = options.cipher.activeKey();
  return `${provider}:${keyId}`;
}

async function moveRow(
  db: DataSource,
  row: SealedRow,
  rewrap: (sealed: SealedValue) => Promise<SealedValue>,
): Promise<'rewrapped' | 'changed' | KekRotationFailure> {
  let moved: SealedValue;
  try {
    moved = await rewrap(SealedValue.parse(row.sealed));
  } catch (error: unknown) {
    const failure = { connectorId: row.connectorId, field: row.field, kekRef: row.kekRef };
    if (error instanceof DecryptionError) return { ...failure, reason: error.reason };
    if (error instanceof SealedValueFormatError) return { ...failure, reason: 'malformed' };
    throw error;
  }
  // Compared on the sealed text, not only kek_ref: a service that has not yet loaded the new key seals a
  // replaced secret under the same old key, and that newer value must not be overwritten by this older one.
  const result = await db
    .createQueryBuilder()
    .update(ConnectorSecretEntity)
    .set({ sealed: moved, kekRef: kekRefOf(moved) })
    .where('connector_id = :connectorId AND field = :field AND kek_ref = :kekRef AND sealed = :sealed', row)
    .execute();
  return result.affected === 1 ? 'rewrapped' : 'changed';
}

// Keyset pagination on the primary key: rows skipped or failed are passed, never read again in this run.
async function nextBatch(
  db: DataSource,
  targetKey: string,
  after: SealedRow | undefined,
  limit: number,
): Promise<SealedRow[]> {
  const query = db
    .getRepository(ConnectorSecretEntity)
    .createQueryBuilder('s')
    .select('s.connectorId', 'connectorId')
    .addSelect('s.field', 'field')
    .addSelect('s.kekRef', 'kekRef')
    .addSelect('s.sealed', 'sealed')
    .where('s.kekRef <> :targetKey', { targetKey });
  if (after) {
    query.andWhere('(s.connectorId > :afterId OR (s.connectorId = :afterId AND s.field > :afterField))', {
      afterId: after.connectorId,
      afterField: after.field,
    });
  }
  return query
    .orderBy('s.connectorId', 'ASC')
    .addOrderBy('s.field', 'ASC')
    .limit(limit)
    .getRawMany<SealedRow>();
}

async function countByKey(db: DataSource, targetKey: string): Promise<Record<string, number>> {
  const rows = await db
    .getRepository(ConnectorSecretEntity)
    .createQueryBuilder('s')
    .select('s.kekRef', 'kekRef')
    .addSelect('COUNT(*)', 'count')
    .where('s.kekRef <> :targetKey', { targetKey })
    .groupBy('s.kekRef')
    .orderBy('s.kekRef', 'ASC')
    .getRawMany<{ kekRef: string; count: string | number }>();
  return Object.fromEntries(rows.map((r) => [r.kekRef, Number(r.count)]));
}

/** Runs `work` over `items`, `limit` at a time; returns true when `signal` stopped it before the end. */
async function eachLimited<T>(
  items: readonly T[],
  limit: number,
  signal: AbortSignal | undefined,
  work: (item: T) => Promise<void>,
): Promise<boolean> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (!failure && !signal?.aborted && next < items.length) {
      const item = items[next++] as T;
      try {
        await work(item);
      } catch (error: unknown) {
        failure ??= { error };
      }
    }
  };
  // Every worker settles before a failure is thrown, so no write is left running behind the caller.
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure) throw failure.error;
  return next < items.length;
}

async function retrying<T>(
  settings: { attempts: number; retryDelayMs: number },
  call: () => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await call();
    } catch (error: unknown) {
      const transient = error instanceof KeyProviderError && error.reason === 'unavailable';
      if (!transient || attempt >= settings.attempts) throw error;
      await sleep(settings.retryDelayMs * 2 ** (attempt - 1));
    }
  }
}

function validated(options: KekRotationOptions) {
  const settings = {
    batchSize: options.batchSize ?? DEFAULTS.batchSize,
    concurrency: options.concurrency ?? DEFAULTS.concurrency,
    attempts: options.attempts ?? DEFAULTS.attempts,
    retryDelayMs: options.retryDelayMs ?? DEFAULTS.retryDelayMs,
  };
  for (const [name, value] of Object.entries({ ...settings, maxBatches: options.maxBatches ?? 1 })) {
    const min = name === 'retryDelayMs' || name === 'maxBatches' ? 0 : 1;
    if (!Number.isInteger(value) || value < min) {
      throw new RangeError(`rotateKek: ${name} must be an integer of at least ${min}`);
    }
  }
  return settings;
}
