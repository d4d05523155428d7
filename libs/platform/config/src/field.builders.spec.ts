import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import {
  httpBodyLimitField,
  httpHostField,
  httpPortField,
  logLevelField,
  natsPrefixField,
  natsUrlField,
  pseudonymKeyField,
  regionField,
  shutdownTimeoutField,
  tlsFileField,
} from './base-service.schema';
import { ConfigError } from './config.error';
import { loadConfig } from './config.loader';
import { databaseUrlValue, defaultedVar, integerValue, optionalVar, requiredVar } from './field.builders';

/** Loads `{ X: field }` from `{ X: value }` (or an empty env when value is undefined). */
function load(field: z.ZodType, value: string | undefined): unknown {
  const env = value === undefined ? {} : { X: value };
  return loadConfig(z.object({ X: field }), env).config['X'];
}

/** The reason reported for X, or a failure if loading succeeded. */
function reason(field: z.ZodType, value: string | undefined): string {
  try {
    load(field, value);
  } catch (err) {
    if (err instanceof ConfigError) return err.issues.map((i) => `${i.variable}: ${i.reason}`).join('; ');
    throw err;
  }
  throw new Error('expected a ConfigError');
}

const KEY_32 = Buffer.alloc(32, 7).toString('base64');

describe('presence wrappers', () => {
  it('reports an unset required variable as required', () => {
    expect(reason(requiredVar(integerValue({ min: 1, max: 9 })), undefined)).toBe('X: required');
  });

  it('treats an empty string as unset', () => {
    expect(reason(requiredVar(integerValue({ min: 1, max: 9 })), '')).toBe('X: required');
  });

  it('treats a whitespace-only value as unset', () => {
    expect(reason(requiredVar(integerValue({ min: 1, max: 9 })), ' \t\n')).toBe('X: required');
  });

  it('applies the default when a defaulted variable is blank', () => {
    expect(load(defaultedVar(integerValue({ min: 1, max: 9 }), 4), '  ')).toBe(4);
  });

  it('leaves an unset optional variable out of the config', () => {
    const { config } = loadConfig(z.object({ X: optionalVar(integerValue({ min: 1, max: 9 })) }), {});
    expect('X' in config).toBe(false);
  });

  it('trims surrounding whitespace before validating', () => {
    expect(load(requiredVar(integerValue({ min: 1, max: 9 })), ' 7 \n')).toBe(7);
  });
});

describe('NATS_URL', () => {
  it('parses a comma-separated list of nats:// and tls:// URLs', () => {
    expect(load(natsUrlField(), 'nats://a:4222, tls://b.example:4222')).toEqual([
      'nats://a:4222',
      'tls://b.example:4222',
    ]);
  });

  it.each([
    ['missing', undefined, 'X: required'],
    ['empty', '', 'X: required'],
    ['whitespace', '   ', 'X: required'],
    [
      'another scheme',
      'http://nats:4222',
      'X: must be a comma-separated list of nats:// or tls:// URLs (entry 1 is not one)',
    ],
    [
      'no scheme',
      'nats-host:4222',
      'X: must be a comma-separated list of nats:// or tls:// URLs (entry 1 is not one)',
    ],
    [
      'an empty entry',
      'nats://a:4222,,nats://b:4222',
      'X: must be a comma-separated list of nats:// or tls:// URLs (entry 2 is not one)',
    ],
  ])('refuses %s', (_case, value, expected) => {
    expect(reason(natsUrlField(), value)).toBe(expected);
  });

  it('never repeats a credential embedded in a bad URL', () => {
    expect(reason(natsUrlField(), 'nats://a:4222,http://admin:Hunter2Secret@b:4222')).not.toContain(
      'Hunter2Secret',
    );
  });
});

describe('NATS_TLS_* file paths', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'ferry-config-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('accepts a readable file', () => {
    const file = join(dir, 'ca.pem');
    writeFileSync(file, 'pem');
    expect(load(tlsFileField(), file)).toBe(file);
  });

  it('is optional', () => {
    expect(load(tlsFileField(), undefined)).toBeUndefined();
  });

  it('refuses a path that does not exist', () => {
    expect(reason(tlsFileField(), join(dir, 'missing.pem'))).toBe('X: must be the path of a readable file');
  });

  it('refuses a directory', () => {
    expect(reason(tlsFileField(), dir)).toBe('X: must be the path of a readable file');
  });
});

describe('HTTP_PORT', () => {
  it('parses a port number', () => {
    expect(load(httpPortField(), '8080')).toBe(8080);
  });

  it.each([
    ['missing', undefined, 'X: required'],
    ['empty', '', 'X: required'],
    ['whitespace', ' ', 'X: required'],
    ['not a number', 'eighty', 'X: must be an integer 1-65535'],
    ['a fraction', '80.5', 'X: must be an integer 1-65535'],
    ['a negative number', '-80', 'X: must be an integer 1-65535'],
    ['an exponent', '8e3', 'X: must be an integer 1-65535'],
    ['zero', '0', 'X: must be an integer 1-65535'],
    ['above 65535', '65536', 'X: must be an integer 1-65535'],
    ['inner whitespace', '80 80', 'X: must be an integer 1-65535'],
  ])('refuses %s', (_case, value, expected) => {
    expect(reason(httpPortField(), value)).toBe(expected);
  });
});

describe('HTTP_HOST', () => {
  it('defaults to 0.0.0.0', () => {
    expect(load(httpHostField(), undefined)).toBe('0.0.0.0');
  });

  it('accepts an IPv6 address', () => {
    expect(load(httpHostField(), '::1')).toBe('::1');
  });

  it('refuses a URL', () => {
    expect(reason(httpHostField(), 'http://host/')).toBe('X: must be a host name or IP address');
  });
});

describe('LOG_LEVEL', () => {
  it('defaults to info', () => {
    expect(load(logLevelField(), '')).toBe('info');
  });

  it('accepts a level in any case', () => {
    expect(load(logLevelField(), 'DEBUG')).toBe('debug');
  });

  it('refuses an unknown level and lists the valid ones', () => {
    expect(reason(logLevelField(), 'verbose')).toBe(
      'X: must be one of trace, debug, info, warn, error, fatal, silent',
    );
  });
});

describe('FERRY_REGION', () => {
  it('defaults to local', () => {
    expect(load(regionField(), undefined)).toBe('local');
  });

  it.each([
    ['upper case', 'WEU'],
    ['a dot', 'eu.west'],
    ['inner whitespace', 'eu west'],
    ['more than 32 characters', 'a'.repeat(33)],
  ])('refuses %s', (_case, value) => {
    expect(reason(regionField(), value)).toBe('X: must be 1-32 characters of a-z, 0-9 and -');
  });
});

describe('FERRY_NATS_PREFIX', () => {
  it('is optional', () => {
    expect(load(natsPrefixField(), ' ')).toBeUndefined();
  });

  it('refuses a dot, which would change the subject hierarchy', () => {
    expect(reason(natsPrefixField(), 'a.b')).toBe('X: must be 1-32 characters of a-z, 0-9, _ and -');
  });
});

describe('FERRY_PSEUDONYM_KEY', () => {
  const expected = 'X: must be base64 of at least 32 random bytes (e.g. openssl rand -base64 32)';

  it('accepts 32 bytes of standard base64', () => {
    expect(load(pseudonymKeyField(), KEY_32)).toBe(KEY_32);
  });

  it('accepts URL-safe base64', () => {
    const key = Buffer.alloc(32, 251).toString('base64url');
    expect(load(pseudonymKeyField(), key)).toBe(key);
  });

  it.each([
    ['missing', undefined, 'X: required'],
    ['empty', '', 'X: required'],
    ['whitespace', '  ', 'X: required'],
    ['shorter than 32 bytes', Buffer.alloc(31, 7).toString('base64'), expected],
    ['not base64', `${KEY_32.slice(0, -4)}!!!!`, expected],
    ['base64 with inner whitespace', `${KEY_32.slice(0, 20)} ${KEY_32.slice(20)}`, expected],
  ])('refuses %s', (_case, value, message) => {
    expect(reason(pseudonymKeyField(), value)).toBe(message);
  });
});

describe('SHUTDOWN_TIMEOUT_MS', () => {
  it('defaults to 10000', () => {
    expect(load(shutdownTimeoutField(), undefined)).toBe(10_000);
  });

  it.each([
    ['above 60000', '60001'],
    ['below 100', '99'],
    ['not a number', '10s'],
  ])('refuses %s', (_case, value) => {
    expect(reason(shutdownTimeoutField(), value)).toBe('X: must be an integer 100-60000 milliseconds');
  });
});

describe('HTTP_BODY_LIMIT', () => {
  it('defaults to 1 MiB', () => {
    expect(load(httpBodyLimitField(), undefined)).toBe(1_048_576);
  });

  it.each([
    ['above 10 MiB', '10485761'],
    ['a unit suffix', '1mb'],
    ['below 1 KiB', '1023'],
  ])('refuses %s', (_case, value) => {
    expect(reason(httpBodyLimitField(), value)).toBe('X: must be an integer 1024-10485760 bytes');
  });
});

describe('DATABASE_URL', () => {
  const field = requiredVar(databaseUrlValue());

  it.each([
    'postgres://u:p@db:5432/ferry',
    'postgresql://db/ferry',
    'mssql://db.example/ferry',
    'sqlserver://db/ferry',
  ])('accepts %s', (value) => {
    expect(load(field, value)).toBe(value);
  });

  it('refuses another scheme without repeating the URL', () => {
    const message = reason(field, 'mysql://root:S3cretPassw0rd@db/ferry');
    expect(message).toBe('X: must be a postgres://, postgresql://, mssql:// or sqlserver:// URL');
  });

  it('refuses a blank value as missing', () => {
    expect(reason(field, '\t')).toBe('X: required');
  });
});
