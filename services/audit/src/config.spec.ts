import { generateKeyPairSync } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '@ferry/platform/config';
import { configSchema } from './config';

const dir = mkdtempSync(join(tmpdir(), 'audit-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string, mode = 0o600): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  chmodSync(path, mode);
  return path;
}

const ed = generateKeyPairSync('ed25519');
const goodKey = file('good.pem', String(ed.privateKey.export({ type: 'pkcs8', format: 'pem' })));
const base = {
  NATS_URL: 'nats://127.0.0.1:4222',
  FERRY_PSEUDONYM_KEY: Buffer.alloc(32, 1).toString('base64'),
  DATABASE_URL: 'postgres://audit@127.0.0.1:5432/ferry',
  HTTP_PORT: '8080',
};

function reason(env: Record<string, string>): string {
  try {
    loadConfig(configSchema, { ...base, ...env });
  } catch (err) {
    if (err instanceof ConfigError) return err.message;
    throw err;
  }
  return 'ok';
}

describe('the audit service settings', () => {
  it('take an Ed25519 key file readable by the service only, with the chain defaults', () => {
    const { config } = loadConfig(configSchema, { ...base, FERRY_AUDIT_SIGNING_KEY_FILE: goodKey });
    expect(config).toMatchObject({ FERRY_AUDIT_CHECKPOINT_EVERY: 1000, FERRY_AUDIT_CHECKPOINT_INTERVAL_MS: 60_000, FERRY_AUDIT_RETENTION_DAYS: 365 });
  });

  it('take the consumer ack wait in milliseconds, 10 s by default', () => {
    expect(loadConfig(configSchema, { ...base, FERRY_AUDIT_SIGNING_KEY_FILE: goodKey }).config.FERRY_AUDIT_CONSUMER_ACK_WAIT_MS).toBe(10_000);
    expect(loadConfig(configSchema, { ...base, FERRY_AUDIT_SIGNING_KEY_FILE: goodKey, FERRY_AUDIT_CONSUMER_ACK_WAIT_MS: '5000' }).config.FERRY_AUDIT_CONSUMER_ACK_WAIT_MS).toBe(5000);
  });

  it.each(['999', '300001', '10s', '-5000', '2.5'])('refuse the consumer ack wait %j, naming its limits', (value) => {
    expect(reason({ FERRY_AUDIT_SIGNING_KEY_FILE: goodKey, FERRY_AUDIT_CONSUMER_ACK_WAIT_MS: value })).toContain('FERRY_AUDIT_CONSUMER_ACK_WAIT_MS: must be an integer 1000-300000 ms');
  });

  it('say how to create the signing key when it is missing', () => {
    expect(reason({})).toContain('FERRY_AUDIT_SIGNING_KEY_FILE: required: the path of the audit signing key (Ed25519, PKCS#8 PEM); create one with: node scripts/audit/signing-key.mjs');
  });

  it.each([
    ['a path that is not a file', () => join(dir, 'absent.pem'), 'must be the path of a readable file'],
    ['an EC key', () => file('ec.pem', String(generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ type: 'pkcs8', format: 'pem' }))), 'holds a ec key; the audit signing key is Ed25519'],
    ['a key others may read', () => file('open.pem', String(ed.privateKey.export({ type: 'pkcs8', format: 'pem' })), 0o644), 'has mode 0644'],
    ['a public key', () => file('pub.pem', String(ed.publicKey.export({ type: 'spki', format: 'pem' }))), 'not PUBLIC KEY'],
  ])('refuse %s, naming why and never the key', (_what, path, expected) => {
    const message = reason({ FERRY_AUDIT_SIGNING_KEY_FILE: path() });
    expect(message).toContain(expected);
    expect(message).not.toMatch(/[A-Za-z0-9+/]{40}/); // no PEM body
  });

  it('check an optional file of older verification keys', () => {
    expect(reason({ FERRY_AUDIT_SIGNING_KEY_FILE: goodKey, FERRY_AUDIT_VERIFY_KEYS_FILE: goodKey })).toContain('FERRY_AUDIT_VERIFY_KEYS_FILE: key 1 must be a public key');
  });
});
