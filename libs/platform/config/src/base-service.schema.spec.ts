import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { baseServiceSchema, withDatabase } from './base-service.schema';
import { ConfigError } from './config.error';
import { loadConfig } from './config.loader';
import { defaultedVar, integerValue, requiredVar, stringValue } from './field.builders';

const KEY = Buffer.alloc(32, 9).toString('base64');
const MINIMAL = { NATS_URL: 'nats://127.0.0.1:4222', HTTP_PORT: '3000', FERRY_PSEUDONYM_KEY: KEY };

function issuesOf(run: () => unknown): string[] {
  try {
    run();
  } catch (err) {
    if (err instanceof ConfigError) return err.issues.map((i) => `${i.variable}: ${i.reason}`);
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('baseServiceSchema', () => {
  let dir: string;
  let pem: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ferry-base-'));
    pem = join(dir, 'client.pem');
    writeFileSync(pem, 'pem');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('fills every default from the three required settings', () => {
    const { config } = loadConfig(baseServiceSchema, MINIMAL);
    expect(config).toEqual({
      NATS_URL: ['nats://127.0.0.1:4222'],
      HTTP_PORT: 3000,
      HTTP_HOST: '0.0.0.0',
      HTTP_BODY_LIMIT: 1_048_576,
      LOG_LEVEL: 'info',
      FERRY_REGION: 'local',
      FERRY_PSEUDONYM_KEY: KEY,
      FERRY_IDENTITY_ISSUER: 'urn:ferry:identity',
      SHUTDOWN_TIMEOUT_MS: 10_000,
    });
  });

  it('reads HTTP_TRUST_PROXY as a hop count or a list, and refuses anything else', () => {
    expect(loadConfig(baseServiceSchema, { ...MINIMAL, HTTP_TRUST_PROXY: '1' }).config.HTTP_TRUST_PROXY).toBe(1);
    expect(loadConfig(baseServiceSchema, { ...MINIMAL, HTTP_TRUST_PROXY: 'loopback, 10.0.0.0/8' }).config.HTTP_TRUST_PROXY).toEqual(['loopback', '10.0.0.0/8']);
    expect(issuesOf(() => loadConfig(baseServiceSchema, { ...MINIMAL, HTTP_TRUST_PROXY: 'everyone!' }))).toEqual([
      'HTTP_TRUST_PROXY: must be a hop count or a comma-separated list of addresses, CIDR ranges or loopback/linklocal/uniquelocal',
    ]);
  });

  it('takes an identity issuer URI and refuses one that is not a URI', () => {
    expect(loadConfig(baseServiceSchema, { ...MINIMAL, FERRY_IDENTITY_ISSUER: 'https://ferry.example.com/identity' }).config.FERRY_IDENTITY_ISSUER).toBe('https://ferry.example.com/identity');
    expect(issuesOf(() => loadConfig(baseServiceSchema, { ...MINIMAL, FERRY_IDENTITY_ISSUER: 'ferry identity' }))).toEqual([
      'FERRY_IDENTITY_ISSUER: must be a URI (e.g. urn:ferry:identity or https://ferry.example.com/identity)',
    ]);
  });

  it('names all three required settings when the environment is empty', () => {
    expect(issuesOf(() => loadConfig(baseServiceSchema, {}))).toEqual([
      'NATS_URL: required',
      'HTTP_PORT: required',
      'FERRY_PSEUDONYM_KEY: required',
    ]);
  });

  it('requires the client key when a client certificate is set', () => {
    expect(issuesOf(() => loadConfig(baseServiceSchema, { ...MINIMAL, NATS_TLS_CERT: pem }))).toEqual([
      'NATS_TLS_KEY: required when NATS_TLS_CERT is set',
    ]);
  });

  it('requires the client certificate when a client key is set', () => {
    expect(issuesOf(() => loadConfig(baseServiceSchema, { ...MINIMAL, NATS_TLS_KEY: pem }))).toEqual([
      'NATS_TLS_CERT: required when NATS_TLS_KEY is set',
    ]);
  });

  it('reports a missing client key together with other failures', () => {
    expect(
      issuesOf(() => loadConfig(baseServiceSchema, { ...MINIMAL, HTTP_PORT: 'x', NATS_TLS_CERT: pem })),
    ).toEqual(['HTTP_PORT: must be an integer 1-65535', 'NATS_TLS_KEY: required when NATS_TLS_CERT is set']);
  });

  it('lets a service override a base setting', () => {
    const schema = baseServiceSchema.extend({
      HTTP_PORT: defaultedVar(integerValue({ min: 1, max: 65535 }), 8080),
    });
    const { HTTP_PORT, ...rest } = MINIMAL;
    expect(HTTP_PORT).toBe('3000');
    expect(loadConfig(schema, rest).config.HTTP_PORT).toBe(8080);
  });

  it('keeps the certificate pairing rule in a schema a service extends', () => {
    const schema = baseServiceSchema.extend({ WIDGETS: requiredVar(stringValue()) });
    expect(issuesOf(() => loadConfig(schema, { ...MINIMAL, WIDGETS: 'w', NATS_TLS_CERT: pem }))).toEqual([
      'NATS_TLS_KEY: required when NATS_TLS_CERT is set',
    ]);
  });

  it('leaves DATABASE_URL optional', () => {
    expect(loadConfig(baseServiceSchema, MINIMAL).config.DATABASE_URL).toBeUndefined();
  });
});

describe('withDatabase', () => {
  it('makes DATABASE_URL required', () => {
    expect(issuesOf(() => loadConfig(withDatabase(baseServiceSchema), MINIMAL))).toEqual([
      'DATABASE_URL: required',
    ]);
  });

  it('returns the URL when it is set', () => {
    const { config } = loadConfig(withDatabase(baseServiceSchema), {
      ...MINIMAL,
      DATABASE_URL: 'postgres://127.0.0.1/test',
    });
    expect(config.DATABASE_URL).toBe('postgres://127.0.0.1/test');
  });

  it('works on a schema of a service’s own', () => {
    const schema = withDatabase(z.object({ NAME: requiredVar(stringValue()) }));
    expect(issuesOf(() => loadConfig(schema, { NAME: 'n', DATABASE_URL: 'redis://cache' }))).toEqual([
      'DATABASE_URL: must be a postgres://, postgresql://, mssql:// or sqlserver:// URL',
    ]);
  });
});
