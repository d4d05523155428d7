import { importJWK, type JWK } from 'jose';
import type { VerificationKey } from './jwks-source';

/** Largest JWK Set accepted from identity; a real one holds a handful of keys (< 2 KiB). */
const MAX_JWKS_BYTES = 64 * 1024;
const MAX_KID_LENGTH = 128;

/**
 * Imports the usable signing keys of a JWK Set (RFC 7517): EC P-256 public keys with a `kid`, whose
 * `use` (if given) is `sig` and `alg` (if given) is ES256. Every other member is skipped, so an
 * encryption key, an RSA key or a key for another algorithm can never verify an access token.
 * Private members (`d`) disqualify a key: a JWKS that leaks a private key is not trusted with it.
 * @throws Error when the text is not a JWK Set.
 */
export async function parseJwkSet(jwksJson: string): Promise<Map<string, VerificationKey>> {
  if (jwksJson.length > MAX_JWKS_BYTES) throw new Error('JWK Set too large');
  let parsed: unknown;
  try {
    parsed = JSON.parse(jwksJson);
  } catch {
    throw new Error('JWK Set is not JSON');
  }
  const members = (parsed as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(members)) throw new Error('JWK Set has no keys array');
  const keys = new Map<string, VerificationKey>();
  for (const member of members) {
    if (!isUsableSigningKey(member) || keys.has(member.kid)) continue;
    try {
      keys.set(
        member.kid,
        (await importJWK({ kty: 'EC', crv: 'P-256', x: member.x, y: member.y }, 'ES256')) as VerificationKey,
      );
    } catch {
      // A point off the curve or bad base64url: skip that key, keep the others.
    }
  }
  return keys;
}

type SigningJwk = JWK & { kid: string; x: string; y: string };

function isUsableSigningKey(member: unknown): member is SigningJwk {
  if (typeof member !== 'object' || member === null || Array.isArray(member)) return false;
  const jwk = member as Record<string, unknown>;
  return (
    jwk['kty'] === 'EC' &&
    jwk['crv'] === 'P-256' &&
    typeof jwk['kid'] === 'string' &&
    jwk['kid'].length > 0 &&
    jwk['kid'].length <= MAX_KID_LENGTH &&
    typeof jwk['x'] === 'string' &&
    typeof jwk['y'] === 'string' &&
    jwk['d'] === undefined &&
    (jwk['use'] === undefined || jwk['use'] === 'sig') &&
    (jwk['alg'] === undefined || jwk['alg'] === 'ES256') &&
    (jwk['key_ops'] === undefined || (Array.isArray(jwk['key_ops']) && jwk['key_ops'].includes('verify')))
  );
}
