import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { ConfigError } from './config.error';
import { loadConfig } from './config.loader';
import { serviceKeyFileField, serviceTrustDirField } from './service-identity.fields';

describe('service identity settings', () => {
  let dir = '';
  const schema = z.object({
    FERRY_SERVICE_KEY_FILE: serviceKeyFileField(),
    FERRY_SERVICE_TRUST_DIR: serviceTrustDirField(),
  });
  const reasons = (env: Record<string, string>): string[] => {
    try {
      loadConfig(schema, env);
    } catch (error) {
      if (error instanceof ConfigError) return error.issues.map((i) => `${i.variable}: ${i.reason}`);
      throw error;
    }
    return [];
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ferry-config-'));
    writeFileSync(join(dir, 'migration.key.pem'), 'key', { mode: 0o600 });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('accepts an existing key file and trust directory', () => {
    const env = { FERRY_SERVICE_KEY_FILE: join(dir, 'migration.key.pem'), FERRY_SERVICE_TRUST_DIR: dir };
    expect(loadConfig(schema, env).config).toEqual(env);
  });

  it('requires both', () => {
    expect(reasons({})).toEqual(['FERRY_SERVICE_KEY_FILE: required', 'FERRY_SERVICE_TRUST_DIR: required']);
  });

  it('refuses a key path that is a directory and a trust path that is a file, without echoing them', () => {
    const issues = reasons({
      FERRY_SERVICE_KEY_FILE: dir,
      FERRY_SERVICE_TRUST_DIR: join(dir, 'migration.key.pem'),
    });
    expect(issues).toEqual([
      'FERRY_SERVICE_KEY_FILE: must be the path of a readable file',
      'FERRY_SERVICE_TRUST_DIR: must be the path of a readable directory',
    ]);
  });

  it('refuses a trust directory that does not exist', () => {
    const env = {
      FERRY_SERVICE_KEY_FILE: join(dir, 'migration.key.pem'),
      FERRY_SERVICE_TRUST_DIR: join(dir, 'absent'),
    };
    expect(reasons(env)).toEqual(['FERRY_SERVICE_TRUST_DIR: must be the path of a readable directory']);
  });
});
