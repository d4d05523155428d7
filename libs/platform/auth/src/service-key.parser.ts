import { createHash, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { ServiceKeyError } from './service-identity.errors';

// Every message below describes the key or the PEM label, never its content: a private key's PEM is
// the secret itself, and Node's own parse errors are dropped for the same reason.

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]{1,40})-----\r?\n([A-Za-z0-9+/=\s]*?)-----END \1-----/g;
/** The only curve service keys use (OpenSSL's name for NIST P-256). */
const CURVE = 'prime256v1';

interface PemBlock {
  readonly label: string;
  readonly text: string;
}

function pemBlocks(pem: string): PemBlock[] {
  return [...pem.matchAll(PEM_BLOCK)].map((m) => ({ label: m[1] ?? '', text: m[0] }));
}

/**
 * The private key a service signs with, from a `KeyObject` or an unencrypted PKCS#8 PEM
 * (`-----BEGIN PRIVATE KEY-----`), which must be an EC P-256 key.
 * @param source names where the key came from in error messages (a file path, or "the signer's key").
 * @throws ServiceKeyError naming the problem and, where one exists, the fix.
 */
export function servicePrivateKey(input: KeyObject | string, source: string): KeyObject {
  if (typeof input !== 'string') {
    if (input.type !== 'private') throw new ServiceKeyError(`${source} is not a private key`);
    return checkCurve(input, source);
  }
  const blocks = pemBlocks(input);
  const [block] = blocks;
  if (blocks.length !== 1 || !block) {
    throw new ServiceKeyError(`${source} must hold exactly one PEM private key (PKCS#8, BEGIN PRIVATE KEY)`);
  }
  if (block.label === 'EC PRIVATE KEY') {
    throw new ServiceKeyError(
      `${source} holds a SEC1 EC key; Ferry reads PKCS#8. Fix: openssl pkcs8 -topk8 -nocrypt -in <file> -out <new file>`,
    );
  }
  if (block.label === 'ENCRYPTED PRIVATE KEY') {
    throw new ServiceKeyError(
      `${source} is passphrase-protected; Ferry reads an unencrypted PKCS#8 key from a file only the service can read`,
    );
  }
  if (block.label !== 'PRIVATE KEY') {
    throw new ServiceKeyError(
      `${source} must hold a PKCS#8 private key (BEGIN PRIVATE KEY), not ${block.label}`,
    );
  }
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: block.text, format: 'pem' });
  } catch {
    throw new ServiceKeyError(`${source} holds a PKCS#8 block that is not a valid private key`);
  }
  return checkCurve(key, source);
}

/**
 * The public keys in a PEM text holding one or more SPKI blocks (`-----BEGIN PUBLIC KEY-----`),
 * each an EC P-256 key. Any other block (a private key or certificate put there by mistake) is refused.
 * @throws ServiceKeyError naming the problem.
 */
export function servicePublicKeys(pem: string, source: string): KeyObject[] {
  const blocks = pemBlocks(pem);
  if (blocks.length === 0) throw new ServiceKeyError(`${source} holds no PEM public key (BEGIN PUBLIC KEY)`);
  return blocks.map((block, index) => {
    const which = `${source} (key ${index + 1})`;
    if (block.label.includes('PRIVATE')) {
      throw new ServiceKeyError(`${which} is a private key; trusted keys are public keys only. Remove it`);
    }
    if (block.label !== 'PUBLIC KEY') {
      throw new ServiceKeyError(`${which} must be a public key (BEGIN PUBLIC KEY), not ${block.label}`);
    }
    let key: KeyObject;
    try {
      key = createPublicKey({ key: block.text, format: 'pem' });
    } catch {
      throw new ServiceKeyError(`${which} is not a valid public key`);
    }
    return checkCurve(key, which);
  });
}

/**
 * Checks a public key handed over as a `KeyObject` (a private key is refused: a verifier must never
 * hold one).
 * @throws ServiceKeyError when it is not an EC P-256 public key.
 */
export function servicePublicKey(key: KeyObject, source: string): KeyObject {
  if (key.type !== 'public') throw new ServiceKeyError(`${source} is not a public key`);
  return checkCurve(key, source);
}

function checkCurve(key: KeyObject, source: string): KeyObject {
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== CURVE) {
    throw new ServiceKeyError(`${source} is not an EC P-256 key (service tokens are ES256)`);
  }
  return key;
}

/**
 * The key id of a service key: its RFC 7638 JWK thumbprint (SHA-256, base64url), computed from the
 * public part, so signer and verifier agree on it without configuring ids anywhere.
 */
export function serviceKeyId(key: KeyObject): string {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  const jwk = publicKey.export({ format: 'jwk' });
  // RFC 7638 3.2: the required EC members only, in lexicographic order, no whitespace.
  const canonical = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y });
  return createHash('sha256').update(canonical).digest('base64url');
}
