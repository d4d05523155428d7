import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateWidget1700000000001, Widget } from './fixtures/widget-migrations.fixture';
import type { MssqlOptions } from './mssql-options.factory';
import { DatabaseConfigError } from './persistence.errors';
import type { PostgresOptions } from './postgres-options.factory';
import { buildServiceDataSourceOptions, createServiceDataSource } from './service-data-source.factory';
import type { ServiceDataSourceOptions } from './service-data-source.options';

const SECRET = 'n0t-in-errors';
const base = { service: 'connectors', entities: [Widget], migrations: [CreateWidget1700000000001] };

function pg(url: string, extra: Partial<ServiceDataSourceOptions> = {}): PostgresOptions {
  return buildServiceDataSourceOptions({ ...base, url, ...extra }) as PostgresOptions;
}
function mssql(url: string, extra: Partial<ServiceDataSourceOptions> = {}): MssqlOptions {
  return buildServiceDataSourceOptions({ ...base, url, ...extra }) as MssqlOptions;
}

let dir: string;
beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'ferry-persistence-'))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('PostgreSQL options', () => {
  it('put tables and the migrations table in the service schema, with it as the only search path', () => {
    const o = pg('postgres://ferry@db.internal/ferry');
    expect(o.type).toBe('postgres');
    expect(o.schema).toBe('connectors');
    expect(o.migrationsTableName).toBe('migrations');
    expect(o.extra).toMatchObject({ options: '-c search_path=connectors' });
  });

  it('never synchronize, never run migrations implicitly and never install extensions', () => {
    const o = pg('postgres://ferry@db.internal/ferry', { synchronizeForTests: true });
    expect(o.synchronize).toBe(false);
    expect(o.migrationsRun).toBe(false);
    expect(o.installExtensions).toBe(false);
  });

  it('verify the server certificate with TLS 1.2 or better by default', () => {
    expect(pg('postgres://ferry@db.internal/ferry').ssl).toEqual({
      rejectUnauthorized: true,
      minVersion: 'TLSv1.2',
    });
  });

  it('encrypt without verification for tls=require, and use plaintext only for loopback', () => {
    expect(pg('postgres://ferry@db.internal/ferry?tls=require').ssl).toEqual({
      rejectUnauthorized: false,
      minVersion: 'TLSv1.2',
    });
    expect(pg('postgres://ferry@127.0.0.1/ferry').ssl).toBe(false);
  });

  it('trust the CA file given', () => {
    const ca = join(dir, 'ca.pem');
    writeFileSync(ca, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    const ssl = pg('postgres://ferry@db.internal/ferry', { caFile: ca }).ssl as {
      ca?: string;
      rejectUnauthorized?: boolean;
    };
    expect(ssl.ca).toContain('MIIB');
    expect(ssl.rejectUnauthorized).toBe(true);
  });

  it('refuse a missing or non-PEM CA file with a clear error', () => {
    expect(() => pg('postgres://ferry@db.internal/ferry', { caFile: join(dir, 'absent.pem') })).toThrow(
      /cannot read the database CA file .*absent\.pem/,
    );
    const junk = join(dir, 'junk.pem');
    writeFileSync(junk, 'not a certificate');
    expect(() => pg('postgres://ferry@db.internal/ferry', { caFile: junk })).toThrow(
      /holds no PEM certificate/,
    );
  });

  it('bound the pool, statements and connects, and name the application', () => {
    const o = pg('postgres://ferry@db.internal/ferry', {
      poolMax: 4,
      statementTimeoutMs: 9_000,
      connectTimeoutMs: 1_500,
    });
    expect(o.poolSize).toBe(4);
    expect(o.connectTimeoutMS).toBe(1_500);
    expect(o.extra).toMatchObject({ statement_timeout: 9_000, idle_in_transaction_session_timeout: 60_000 });
    expect(o.applicationName).toMatch(/^ferry-connectors@/);
    expect(o.applicationName!.length).toBeLessThanOrEqual(63);
  });

  it('pass credentials from the URL', () => {
    const o = pg(`postgres://ferry:${SECRET}@db.internal:6432/ferry_eu`);
    expect(o).toMatchObject({
      host: 'db.internal',
      port: 6432,
      database: 'ferry_eu',
      username: 'ferry',
      password: SECRET,
    });
  });
});

describe('Azure SQL / SQL Server options', () => {
  const url = `mssql://ferry:${SECRET}@ferry.database.windows.net/ferry_eu`;

  it('encrypt and verify the server certificate with TLS 1.2 or better', () => {
    const o = mssql(url);
    expect(o.type).toBe('mssql');
    expect(o.options).toMatchObject({ encrypt: true, trustServerCertificate: false });
    expect(o.options?.cryptoCredentialsDetails).toEqual({ minVersion: 'TLSv1.2' });
  });

  it('put tables and the migrations table in the service schema', () => {
    const o = mssql(url);
    expect(o.schema).toBe('connectors');
    expect(o.migrationsTableName).toBe('migrations');
    expect(o.synchronize).toBe(false);
  });

  it('set appName, pool limits, request and connection timeouts', () => {
    const o = mssql(url, {
      poolMax: 6,
      statementTimeoutMs: 12_000,
      connectTimeoutMs: 2_000,
      applicationName: 'ferry-test',
    });
    expect(o.options?.appName).toBe('ferry-test');
    expect(o.pool).toMatchObject({ max: 6, min: 0 });
    expect(o.requestTimeout).toBe(12_000);
    expect(o.connectionTimeout).toBe(2_000);
  });

  it('pass host, port, database and credentials', () => {
    expect(mssql(url)).toMatchObject({
      host: 'ferry.database.windows.net',
      port: 1433,
      database: 'ferry_eu',
      username: 'ferry',
      password: SECRET,
    });
  });

  it('trust an unverified certificate only for tls=require', () => {
    expect(mssql(`${url}?tls=require`).options).toMatchObject({
      encrypt: true,
      trustServerCertificate: true,
    });
  });

  it('carry the CA file into the TLS context', () => {
    const ca = join(dir, 'azure-ca.pem');
    writeFileSync(ca, '-----BEGIN CERTIFICATE-----\nAZUR\n-----END CERTIFICATE-----\n');
    const details = mssql(url, { caFile: ca }).options?.cryptoCredentialsDetails as {
      minVersion?: string;
      ca?: string;
    };
    expect(details.minVersion).toBe('TLSv1.2');
    expect(details.ca).toContain('AZUR');
  });

  it('are accepted by the TypeORM SQL Server driver (built, not connected)', () => {
    const ds = createServiceDataSource({ ...base, url });
    expect(ds.isInitialized).toBe(false);
    expect(ds.driver.options).toMatchObject({ type: 'mssql', schema: 'connectors' });
    expect(ds.driver.escape('widget')).toBe('"widget"');
  });

  it('turn encryption off only for a loopback server with tls=disable', () => {
    expect(mssql('mssql://sa@127.0.0.1/ferry?tls=disable').options).toMatchObject({
      encrypt: false,
      trustServerCertificate: false,
    });
  });
});

describe('service options', () => {
  it('reject a service name that is not a safe schema name', () => {
    for (const service of ['Connectors', 'mail-routing', '1st', '', 'a"b']) {
      expect(() => pg('postgres://ferry@db.internal/ferry', { service })).toThrow(/invalid service name/);
    }
  });

  it('reject non-positive pool and timeout settings', () => {
    expect(() => pg('postgres://ferry@db.internal/ferry', { poolMax: 0 })).toThrow(
      /poolMax must be a positive integer/,
    );
    expect(() => pg('postgres://ferry@db.internal/ferry', { statementTimeoutMs: 1.5 })).toThrow(
      /statementTimeoutMs/,
    );
  });

  it('refuse synchronizeForTests outside NODE_ENV=test', () => {
    const previous = process.env['NODE_ENV'];
    process.env['NODE_ENV'] = 'production';
    try {
      expect(() =>
        createServiceDataSource({
          ...base,
          url: 'postgres://ferry@127.0.0.1/ferry',
          synchronizeForTests: true,
        }),
      ).toThrow(DatabaseConfigError);
    } finally {
      process.env['NODE_ENV'] = previous;
    }
  });

  it('keep the password out of errors about the URL', () => {
    let message = '';
    try {
      createServiceDataSource({ ...base, url: `postgres://ferry:${SECRET}@db.internal/ferry?tls=disable` });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/tls=disable/);
    expect(message).not.toContain(SECRET);
  });
});
