import { createHash, createSecretKey, randomBytes } from 'node:crypto';
import { fingerprint } from './fingerprint';

const key = randomBytes(32);

describe('fingerprint', () => {
  it('is 16 lower-case hex characters and stable for the same secret and key', () => {
    const value = fingerprint('client-secret-1', key);

    expect(value).toMatch(/^[0-9a-f]{16}$/);
    expect(fingerprint('client-secret-1', key)).toBe(value);
    expect(fingerprint(Buffer.from('client-secret-1'), createSecretKey(key))).toBe(value);
  });

  it('differs for a different secret or a different key', () => {
    const value = fingerprint('client-secret-1', key);

    expect(fingerprint('client-secret-2', key)).not.toBe(value);
    expect(fingerprint('client-secret-1', randomBytes(32))).not.toBe(value);
  });

  it('is not a prefix of the unkeyed SHA-256, which could be brute-forced', () => {
    const unkeyed = createHash('sha256').update('client-secret-1').digest('hex');

    expect(unkeyed.startsWith(fingerprint('client-secret-1', key))).toBe(false);
  });

  it('refuses a key shorter than 32 bytes without echoing the secret', () => {
    expect(() => fingerprint('client-secret-1', randomBytes(16))).toThrow('at least 32 bytes');
    expect(() => fingerprint('client-secret-1', randomBytes(16))).not.toThrow('client-secret-1');
  });
});
