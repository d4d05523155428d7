import { generateKeyPairSync } from 'node:crypto';
import { parseAuditSigningKey, parseAuditVerifyKeys } from './audit-keys';
import { auditKeyId } from './chain-head-signature';

const ed = generateKeyPairSync('ed25519');
const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const pem = (k: { export(o: object): string | Buffer }, type: 'pkcs8' | 'spki') => String(k.export({ type, format: 'pem' }));

describe('audit key files', () => {
  it('read an Ed25519 PKCS#8 signing key and name it by its public key', () => {
    const key = parseAuditSigningKey(pem(ed.privateKey, 'pkcs8'));
    expect(key.keyId).toBe(auditKeyId(ed.publicKey));
  });

  it.each([
    ['an EC key', pem(ec.privateKey, 'pkcs8'), 'holds a ec key; the audit signing key is Ed25519'],
    ['a public key', pem(ed.publicKey, 'spki'), 'not PUBLIC KEY'],
    ['two keys', pem(ed.privateKey, 'pkcs8') + pem(ed.privateKey, 'pkcs8'), 'exactly one'],
    ['no PEM', 'hello', 'exactly one'],
  ])('refuse %s as signing key without quoting it', (_what, text, message) => {
    expect(() => parseAuditSigningKey(text)).toThrow(message);
  });

  it('read several verification keys, refusing a private key among them', () => {
    const other = generateKeyPairSync('ed25519');
    const keys = parseAuditVerifyKeys(pem(ed.publicKey, 'spki') + pem(other.publicKey, 'spki'));
    expect([...keys.keys()]).toEqual([auditKeyId(ed.publicKey), auditKeyId(other.publicKey)]);
    expect(() => parseAuditVerifyKeys(pem(ed.publicKey, 'spki') + pem(ed.privateKey, 'pkcs8'))).toThrow('key 2 must be a public key');
    expect(() => parseAuditVerifyKeys(pem(ec.publicKey, 'spki'))).toThrow('key 1 is not an Ed25519 key');
  });
});
