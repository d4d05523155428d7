import { generateKeyPairSync } from 'node:crypto';
import { GENESIS_HASH } from './chain-hash';
import { auditKeyId, checkpointText, signChainHead, signedHeadProblem } from './chain-head-signature';

const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const keyId = auditKeyId(publicKey);
const keys = new Map([[keyId, publicKey]]);
const head = { orgId: 'o', sequence: 7n, hash: 'a'.repeat(64), at: new Date('2026-01-02T03:04:05.678Z') };

describe('signed chain heads', () => {
  it('sign the documented text', () => {
    expect(checkpointText(head)).toBe(`ferry.audit.checkpoint.v1\no\n7\n${'a'.repeat(64)}\n2026-01-02T03:04:05.678Z`);
    expect(keyId).toMatch(/^[0-9a-f]{16}$/);
  });

  it('verify with the public key', () => {
    expect(signedHeadProblem(signChainHead(head, privateKey, keyId), keys)).toBeUndefined();
  });

  it.each([
    ['sequence', { sequence: 8n }],
    ['hash', { hash: GENESIS_HASH }],
    ['time', { at: new Date('2026-01-02T03:04:05.679Z') }],
    ['organisation', { orgId: 'p' }],
  ])('fail when the %s is changed after signing', (_field, patch) => {
    expect(signedHeadProblem({ ...signChainHead(head, privateKey, keyId), ...patch }, keys)).toBe('its signature does not verify');
  });

  it('fail for a key that is not trusted, and for a non-Ed25519 signing key', () => {
    const other = generateKeyPairSync('ed25519');
    const forged = signChainHead(head, other.privateKey, auditKeyId(other.publicKey));
    expect(signedHeadProblem(forged, keys)).toMatch(/not a trusted audit key/);
    expect(signedHeadProblem({ ...forged, keyId }, keys)).toBe('its signature does not verify');
    expect(() => signChainHead(head, generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey, keyId)).toThrow('Ed25519');
  });
});
