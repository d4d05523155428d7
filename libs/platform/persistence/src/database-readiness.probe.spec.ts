import type { DataSource } from 'typeorm';
import { DatabaseReadinessProbe } from './database-readiness.probe';

// The probe is tested against real PostgreSQL in persistence.module.int-spec.ts; these cover the
// branches a live server cannot produce on demand (a hung query).
function source(
  ready: boolean,
  query: () => Promise<unknown>,
): ConstructorParameters<typeof DatabaseReadinessProbe>[0] {
  return {
    dataSource: { query } as unknown as DataSource,
    target: 'db.internal:5432/ferry',
    isReady: () => ready,
  };
}

describe('DatabaseReadinessProbe', () => {
  it('is down, naming what it waits for, until the connection is ready', async () => {
    let queried = false;
    const probe = new DatabaseReadinessProbe(
      source(false, async () => (queried = true)),
      100,
    );
    await expect(probe.check()).resolves.toEqual({
      up: false,
      detail: 'waiting for database at db.internal:5432/ferry',
    });
    expect(queried).toBe(false);
    expect(probe.name).toBe('database');
  });

  it('is down when SELECT 1 does not answer in time', async () => {
    const probe = new DatabaseReadinessProbe(
      source(true, () => new Promise(() => undefined)),
      30,
    );
    const result = await probe.check();
    expect(result.up).toBe(false);
    expect(result.detail).toMatch(/no answer within 30 ms/);
  });

  it('redacts the password from a failure detail', async () => {
    const probe = new DatabaseReadinessProbe(
      source(true, () => Promise.reject(new Error('bad pw s3cr3t'))),
      100,
      's3cr3t',
    );
    const result = await probe.check();
    expect(result).toEqual({ up: false, detail: 'SELECT 1 at db.internal:5432/ferry failed: bad pw ***' });
  });
});
