import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { auditKeyId, isEd25519 } from './chain-head-signature';

// Messages describe the key or its PEM label, never its content: a private key's PEM is the secret.

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]{1,40})-----\r?\n[A-Za-z0-9+/=\s]*?-----END \1-----/g;

/** The audit signing key and what it is known by. */
export interface AuditSigningKey {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  readonly keyId: string;
}

function blocks(pem: string): { label: string; text: string }[] {
  return [...pem.matchAll(PEM_BLOCK)].map((m) => ({ label: m[1] ?? '', text: m[0] }));
}

/**
 * The signing key from an unencrypted PKCS#8 PEM holding one Ed25519 private key
 * (`openssl genpkey -algorithm ed25519`).
 * @throws Error saying what is wrong with it, never quoting it.
 */
export function parseAuditSigningKey(pem: string): AuditSigningKey {
  const found = blocks(pem);
  const [block] = found;
  if (found.length !== 1 || !block) throw new Error('must hold exactly one PEM private key (PKCS#8, BEGIN PRIVATE KEY)');
  if (block.label !== 'PRIVATE KEY') throw new Error(`must hold an unencrypted PKCS#8 private key (BEGIN PRIVATE KEY), not ${block.label}`);
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: block.text, format: 'pem' });
  } catch {
    throw new Error('holds a PKCS#8 block that is not a valid private key');
  }
  if (!isEd25519(privateKey, 'private')) throw new Error(`holds a ${privateKey.asymmetricKeyType ?? 'unknown'} key; the audit signing key is Ed25519`);
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKey, keyId: auditKeyId(publicKey) };
}

/**
 * Trusted verification keys from a PEM text of one or more Ed25519 public keys (SPKI,
 * `BEGIN PUBLIC KEY`), by key id: the current key's and those of keys rotated out.
 * @throws Error naming the offending block by position.
 */
export function parseAuditVerifyKeys(pem: string): Map<string, KeyObject> {
  const found = blocks(pem);
  if (found.length === 0) throw new Error('holds no PEM public key (BEGIN PUBLIC KEY)');
  const keys = new Map<string, KeyObject>();
  found.forEach((block, i) => {
    if (block.label !== 'PUBLIC KEY') throw new Error(`key ${i + 1} must be a public key (BEGIN PUBLIC KEY), not ${block.label}`);
    let key: KeyObject;
    try {
      key = createPublicKey({ key: block.text, format: 'pem' });
    } catch {
      throw new Error(`key ${i + 1} is not a valid public key`);
    }
    if (!isEd25519(key, 'public')) throw new Error(`key ${i + 1} is not an Ed25519 key`);
    keys.set(auditKeyId(key), key);
  });
  return keys;
}
