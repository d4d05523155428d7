import { inspect } from 'node:util';
import { describeDatabaseTarget, parseDatabaseUrl } from './database-url.parser';
import { DatabaseConfigError } from './persistence.errors';

const SECRET = 'Sup3r-s3cret!pw';
const ENCODED = encodeURIComponent(SECRET);

function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected an error');
}

describe('parseDatabaseUrl', () => {
  it('parses a postgres URL into typed settings with verify-full TLS by default off loopback', () => {
    const s = parseDatabaseUrl(`postgres://ferry:${ENCODED}@db.internal:6432/ferry_eu`);
    expect(s).toMatchObject({
      dialect: 'postgres',
      host: 'db.internal',
      socket: false,
      port: 6432,
      database: 'ferry_eu',
      username: 'ferry',
      tls: { mode: 'verify-full', minVersion: 'TLSv1.2', caFile: undefined },
    });
    expect(s.password).toBe(SECRET);
  });

  it('accepts postgresql://, mssql:// and sqlserver:// and applies each dialect default port', () => {
    expect(parseDatabaseUrl('postgresql://u@db.internal/x')).toMatchObject({
      dialect: 'postgres',
      port: 5432,
    });
    expect(parseDatabaseUrl('mssql://u@ferry.database.windows.net/x')).toMatchObject({
      dialect: 'mssql',
      port: 1433,
    });
    expect(parseDatabaseUrl('sqlserver://u@ferry.database.windows.net:1444/x')).toMatchObject({
      dialect: 'mssql',
      port: 1444,
    });
  });

  it('reads the TLS mode from ?tls= or its libpq alias ?sslmode=', () => {
    expect(parseDatabaseUrl('postgres://u@db.internal/x?tls=require').tls.mode).toBe('require');
    expect(parseDatabaseUrl('postgres://u@db.internal/x?sslmode=verify-full').tls.mode).toBe('verify-full');
  });

  it('defaults loopback hosts to plaintext and allows tls=disable there', () => {
    for (const host of ['127.0.0.1', '127.8.9.10', 'localhost', 'LOCALHOST', '[::1]']) {
      expect(parseDatabaseUrl(`postgres://u@${host}:5432/x`).tls.mode).toBe('disable');
      expect(parseDatabaseUrl(`postgres://u@${host}:5432/x?tls=disable`).tls.mode).toBe('disable');
    }
    expect(parseDatabaseUrl('postgres://u@[::1]/x').host).toBe('::1');
  });

  it('keeps TLS on loopback when asked', () => {
    expect(parseDatabaseUrl('postgres://u@127.0.0.1/x?tls=verify-full').tls.mode).toBe('verify-full');
  });

  it('refuses plaintext to a non-loopback host with a clear error', () => {
    for (const host of ['db.internal', '10.0.0.5', '128.0.0.1', 'localhost.evil.example', '[::2]']) {
      const err = errorOf(() => parseDatabaseUrl(`postgres://u:${ENCODED}@${host}/x?tls=disable`));
      expect(err).toBeInstanceOf(DatabaseConfigError);
      expect(err.message).toMatch(
        /tls=disable \(plaintext\) is allowed only for loopback hosts and unix sockets/,
      );
    }
  });

  it('accepts a unix socket as ?host=/dir or a percent-encoded host, with plaintext by default', () => {
    expect(parseDatabaseUrl('postgres:///x?host=/var/run/postgresql')).toMatchObject({
      host: '/var/run/postgresql',
      socket: true,
      tls: { mode: 'disable' },
    });
    expect(parseDatabaseUrl('postgres://u@%2Fvar%2Frun%2Fpostgresql/x')).toMatchObject({
      host: '/var/run/postgresql',
      socket: true,
    });
  });

  it('refuses unix sockets for mssql and relative socket paths', () => {
    expect(() => parseDatabaseUrl('mssql:///x?host=/tmp')).toThrow(
      /unix sockets are supported for PostgreSQL only/,
    );
    expect(() => parseDatabaseUrl('postgres:///x?host=tmp')).toThrow(/absolute unix socket directory/);
  });

  it('decodes percent-encoded user names, passwords and database names', () => {
    const s = parseDatabaseUrl('postgres://ferry%40eu:p%2Fw%3Ad@db.internal/my%20db');
    expect(s.username).toBe('ferry@eu');
    expect(s.password).toBe('p/w:d');
    expect(s.database).toBe('my db');
  });

  it('takes the CA file from sslrootcert, and lets the caller override it', () => {
    expect(parseDatabaseUrl('postgres://u@db.internal/x?sslrootcert=/etc/ssl/db-ca.pem').tls.caFile).toBe(
      '/etc/ssl/db-ca.pem',
    );
    expect(
      parseDatabaseUrl('postgres://u@db.internal/x?sslrootcert=/etc/ssl/a.pem', { caFile: '/etc/ssl/b.pem' })
        .tls.caFile,
    ).toBe('/etc/ssl/b.pem');
  });

  it('rejects an unknown scheme', () => {
    expect(() => parseDatabaseUrl(`mysql://u:${ENCODED}@db/x`)).toThrow(/unsupported scheme "mysql:"/);
    expect(() => parseDatabaseUrl('db.internal:5432/x')).toThrow(/expected <scheme>:\/\//);
    expect(() => parseDatabaseUrl('')).toThrow(/the URL is empty/);
  });

  it('rejects a missing host', () => {
    expect(() => parseDatabaseUrl('postgres:///x')).toThrow(/missing host/);
    expect(() => parseDatabaseUrl(`postgres://u:${ENCODED}@/x`)).toThrow(DatabaseConfigError);
  });

  it('rejects a bad port', () => {
    for (const port of ['abc', '99999', '0', '-1']) {
      expect(() => parseDatabaseUrl(`postgres://u@db.internal:${port}/x`)).toThrow(
        /port must be an integer between 1 and 65535/,
      );
    }
  });

  it('rejects a missing database name', () => {
    expect(() => parseDatabaseUrl('postgres://u@db.internal')).toThrow(/missing database name/);
    expect(() => parseDatabaseUrl('postgres://u@db.internal/')).toThrow(/missing database name/);
    expect(() => parseDatabaseUrl('postgres://u@db.internal/a/b')).toThrow(/must not contain "\/"/);
  });

  it('rejects TLS modes that can fall back to plaintext, and unknown modes', () => {
    expect(() => parseDatabaseUrl('postgres://u@db.internal/x?sslmode=prefer')).toThrow(
      /can fall back to plaintext/,
    );
    expect(() => parseDatabaseUrl('postgres://u@db.internal/x?tls=verify-ca')).toThrow(/use verify-full/);
    expect(() => parseDatabaseUrl('postgres://u@db.internal/x?tls=yes')).toThrow(/unknown TLS mode "yes"/);
    expect(() => parseDatabaseUrl('postgres://u@db.internal/x?tls=require&sslmode=disable')).toThrow(
      /disagree/,
    );
  });

  it('rejects unknown and repeated query parameters', () => {
    expect(() => parseDatabaseUrl('postgres://u@db.internal/x?connect_timeout=3')).toThrow(
      /unknown query parameter "connect_timeout"/,
    );
    expect(() => parseDatabaseUrl('postgres://u@db.internal/x?tls=require&tls=require')).toThrow(
      /given twice/,
    );
  });

  it('rejects a CA file when TLS is disabled', () => {
    expect(() => parseDatabaseUrl('postgres://u@127.0.0.1/x?tls=disable&sslrootcert=/ca.pem')).toThrow(
      /TLS is disabled/,
    );
  });

  it('never puts the password in an error message, raw or encoded', () => {
    const bad = [
      `mysql://u:${ENCODED}@db.internal/x`,
      `postgres://u:${ENCODED}@db.internal:notaport/x`,
      `postgres://u:${ENCODED}@db.internal/x?tls=disable`,
      `postgres://u:${ENCODED}@db.internal/x?tls=nope`,
      `postgres://u:${ENCODED}@db.internal/x?${ENCODED}=1`,
      `postgres://u:${ENCODED}@db.internal`,
      `postgres://u:${ENCODED}@/x`,
      // An unencoded "/" in the password makes the rest of it look like a port or path.
      `postgres://u:ab/${SECRET}@db.internal/x`,
      `postgres://u:${SECRET}@db.internal/x?tls=disable`,
      `postgres://u:${ENCODED}@${ENCODED}/x?tls=disable`,
    ];
    for (const url of bad) {
      const err = errorOf(() => parseDatabaseUrl(url));
      expect(err).toBeInstanceOf(DatabaseConfigError);
      expect(err.message).not.toContain(SECRET);
      expect(err.message).not.toContain(ENCODED);
      expect(String(err.stack)).not.toContain(ENCODED);
      expect(err.cause).toBeUndefined();
    }
  });

  it('keeps the password out of JSON and util.inspect output of the settings', () => {
    const s = parseDatabaseUrl(`postgres://u:${ENCODED}@db.internal/x`);
    expect(JSON.stringify(s)).not.toContain(SECRET);
    expect(inspect(s, { depth: 5 })).not.toContain(SECRET);
  });
});

describe('describeDatabaseTarget', () => {
  it('names host, port and database only', () => {
    const s = parseDatabaseUrl(`postgres://ferry:${ENCODED}@db.internal:6432/ferry_eu`);
    expect(describeDatabaseTarget(s)).toBe('db.internal:6432/ferry_eu');
  });
});
