import {
  advisoryLockKey,
  applockResource,
  assertApplockGranted,
  migrationLockFor,
  mssqlMigrationLock,
  postgresMigrationLock,
} from './migration-lock';

describe('advisoryLockKey', () => {
  it('is stable for a service, distinct between services, and namespaced to Ferry', () => {
    expect(advisoryLockKey('connectors')).toEqual(advisoryLockKey('connectors'));
    expect(advisoryLockKey('connectors')[1]).not.toBe(advisoryLockKey('identity')[1]);
    expect(advisoryLockKey('audit')[0]).toBe(0x46525259);
  });

  it('fits both halves in a signed 32-bit integer, as pg_advisory_lock(int, int) needs', () => {
    for (const service of [
      'connectors',
      'identity',
      'migration',
      'audit',
      'freebusy',
      'mailrouting',
      'gateway',
    ]) {
      for (const half of advisoryLockKey(service)) {
        expect(Number.isInteger(half)).toBe(true);
        expect(half).toBeGreaterThanOrEqual(-(2 ** 31));
        expect(half).toBeLessThan(2 ** 31);
      }
    }
  });
});

describe('sp_getapplock result handling', () => {
  it('accepts granted (0) and granted-after-wait (1)', () => {
    expect(() => assertApplockGranted(0, 'connectors')).not.toThrow();
    expect(() => assertApplockGranted(1, 'connectors')).not.toThrow();
  });

  it('reports a timeout as another replica migrating, and other codes as failures', () => {
    expect(() => assertApplockGranted(-1, 'connectors')).toThrow(
      /timed out \(another replica is migrating\)/,
    );
    expect(() => assertApplockGranted(-3, 'connectors')).toThrow(/failed \(result -3\)/);
    expect(() => assertApplockGranted(undefined, 'connectors')).toThrow(/failed/);
  });

  it('names the resource after the service', () => {
    expect(applockResource('connectors')).toBe('ferry:migrate:connectors');
  });
});

describe('migrationLockFor', () => {
  it('picks the advisory lock for PostgreSQL and the app lock for SQL Server', () => {
    expect(migrationLockFor('postgres')).toBe(postgresMigrationLock);
    expect(migrationLockFor('mssql')).toBe(mssqlMigrationLock);
  });
});
