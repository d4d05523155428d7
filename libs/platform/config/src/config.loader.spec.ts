import { z } from 'zod';
import { baseServiceSchema } from './base-service.schema';
import { ConfigError } from './config.error';
import { EXIT_CONFIG, exitOnConfigError, loadConfig, loadConfigOrExit } from './config.loader';
import { integerValue, requiredVar, stringValue } from './field.builders';

const KEY = Buffer.alloc(32, 3).toString('base64');
const VALID = { NATS_URL: 'nats://127.0.0.1:4222', HTTP_PORT: '3000', FERRY_PSEUDONYM_KEY: KEY };
const SECRET = 'pl4nted-S3CRET-value';

function errorOf(run: () => unknown): ConfigError {
  try {
    run();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('lists every failing variable in one line, in the immich style', () => {
    const err = errorOf(() => loadConfig(baseServiceSchema, { HTTP_PORT: 'http', FERRY_PSEUDONYM_KEY: KEY }));
    expect(err.message).toBe(
      'Invalid environment variables: NATS_URL: required; HTTP_PORT: must be an integer 1-65535',
    );
    expect(err.message).not.toContain('\n');
  });

  it('never echoes a value, in the message or the structured issues', () => {
    const env = {
      NATS_URL: `nats://user:${SECRET}@host:4222,${SECRET}`,
      HTTP_PORT: SECRET,
      FERRY_PSEUDONYM_KEY: SECRET,
      LOG_LEVEL: SECRET,
      FERRY_REGION: SECRET,
      DATABASE_URL: `mysql://root:${SECRET}@db/x`,
    };
    const err = errorOf(() => loadConfig(baseServiceSchema, env));
    expect(err.issues).toHaveLength(6);
    expect(err.message).not.toContain(SECRET);
    expect(JSON.stringify(err.issues)).not.toContain(SECRET);
    expect(err.stack).not.toContain(SECRET);
  });

  it('strips a value that a service-defined message quotes', () => {
    const schema = z.object({
      API_SECRET: z
        .string()
        .refine((s) => s.length > 64, { error: (issue) => `too short: ${String(issue.input)}` }),
    });
    const err = errorOf(() => loadConfig(schema, { API_SECRET: SECRET }));
    expect(err.message).toBe('Invalid environment variables: API_SECRET: too short: [redacted]');
  });

  it('returns a frozen config', () => {
    const { config } = loadConfig(baseServiceSchema, VALID);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('types the result from the schema', () => {
    const schema = z.object({
      WORKERS: requiredVar(integerValue({ min: 1, max: 64 })),
      NAME: requiredVar(stringValue()),
    });
    const { config } = loadConfig(schema, { WORKERS: '8', NAME: 'w' });
    const workers: number = config.WORKERS;
    expect(workers + 1).toBe(9);
  });

  it('warns about an unknown FERRY_* variable instead of failing', () => {
    const { warnings } = loadConfig(baseServiceSchema, { ...VALID, FERRY_REGOIN: 'weu' });
    expect(warnings).toEqual(['FERRY_REGOIN is not a setting of this service (did you mean FERRY_REGION?)']);
  });

  it('accepts FERRY_* variables the caller declares as read elsewhere', () => {
    const { warnings } = loadConfig(
      baseServiceSchema,
      { ...VALID, FERRY_FEATURE_X: '1' },
      { knownVariables: ['FERRY_FEATURE_X'] },
    );
    expect(warnings).toEqual([]);
  });
});

describe('loadConfigOrExit', () => {
  let exit: jest.SpyInstance;
  let stderr: jest.SpyInstance;
  const written: string[] = [];

  beforeEach(() => {
    written.length = 0;
    exit = jest.spyOn(process, 'exit').mockImplementation((code) => {
      throw new Error(`exit ${String(code)}`);
    });
    stderr = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
  });
  afterEach(() => {
    exit.mockRestore();
    stderr.mockRestore();
  });

  it('writes the one-line message to stderr and exits with EX_CONFIG (78)', () => {
    expect(() => loadConfigOrExit(baseServiceSchema, { ...VALID, HTTP_PORT: SECRET })).toThrow('exit 78');
    expect(EXIT_CONFIG).toBe(78);
    expect(written).toEqual(['Invalid environment variables: HTTP_PORT: must be an integer 1-65535\n']);
  });

  it('returns the config and writes nothing when the environment is valid', () => {
    expect(loadConfigOrExit(baseServiceSchema, VALID).config.HTTP_PORT).toBe(3000);
    expect(written).toEqual([]);
    expect(exit).not.toHaveBeenCalled();
  });

  it('exits 78 when a start-up step throws a ConfigError', () => {
    const failing = () => {
      throw new ConfigError([{ variable: 'OTEL_EXPORTER_OTLP_ENDPOINT', reason: 'must be an https:// URL' }]);
    };
    expect(() => exitOnConfigError(failing)).toThrow('exit 78');
    expect(written).toEqual([
      'Invalid environment variables: OTEL_EXPORTER_OTLP_ENDPOINT: must be an https:// URL\n',
    ]);
  });

  it('rethrows any other error untouched', () => {
    const failure = new TypeError('not a config problem');
    expect(() =>
      exitOnConfigError(() => {
        throw failure;
      }),
    ).toThrow(failure);
    expect(exit).not.toHaveBeenCalled();
  });
});
