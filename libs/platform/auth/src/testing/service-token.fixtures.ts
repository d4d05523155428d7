// Test-only helpers for service tokens: P-256 key pairs made per run, a fixed clock, and tokens
// built by hand (wrong algorithms, headers and claims) that no well-behaved signer would produce.
import { createHmac, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { base64url, exportSPKI, type JWTPayload, SignJWT } from 'jose';
import { serviceKeyId } from '../service-key.parser';

// Replacing a signed token's payload works the same for every JWT.
export { withPayload } from './token-fixtures';

/** A fixed "now" (2025-06-15T15:06:40Z), in epoch seconds, so tests move the clock explicitly. */
export const T0 = 1_750_000_000;

/** A clock reading `T0 + offsetSeconds`. */
export const clockAt = (offsetSeconds: number) => () => new Date((T0 + offsetSeconds) * 1000);

export interface ServiceKeyPair {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  readonly kid: string;
}

/** A fresh EC key pair; P-256 unless another curve is asked for. */
export function serviceKeyPair(namedCurve = 'prime256v1'): ServiceKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve });
  return { privateKey, publicKey, kid: serviceKeyId(publicKey) };
}

/** The claims a `ServiceTokenSigner` for `migration` writes at T0 for `svc:connectors`. */
export function serviceClaims(overrides: JWTPayload = {}): JWTPayload {
  return {
    iss: 'svc:migration',
    sub: 'svc:migration',
    aud: 'svc:connectors',
    iat: T0,
    nbf: T0,
    exp: T0 + 300,
    jti: 'jti-1',
    ...overrides,
  };
}

/** A validly signed ES256 token with any header and claims (the signer would refuse most of these). */
export async function signedServiceToken(
  key: ServiceKeyPair,
  payload: JWTPayload = serviceClaims(),
  header: Record<string, unknown> = {},
): Promise<string> {
  return new SignJWT(payload)
    .setProtectedHeader({ alg: 'ES256', typ: 'ferry-svc+jwt', kid: key.kid, ...header })
    .sign(key.privateKey);
}

const encodeJson = (value: unknown): string => base64url.encode(JSON.stringify(value));

/** An unsigned token (`alg: none`), built by hand since no library will sign one. */
export function unsignedServiceToken(kid: string, payload: JWTPayload = serviceClaims()): string {
  return `${encodeJson({ alg: 'none', typ: 'ferry-svc+jwt', kid })}.${encodeJson(payload)}.`;
}

/** The HS/ES confusion attack: HS256 "signed" with the trusted public key's PEM as the HMAC secret. */
export async function hmacWithPublicKey(
  key: ServiceKeyPair,
  payload: JWTPayload = serviceClaims(),
): Promise<string> {
  const input = `${encodeJson({ alg: 'HS256', typ: 'ferry-svc+jwt', kid: key.kid })}.${encodeJson(payload)}`;
  const secret = await exportSPKI(key.publicKey);
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

/** A fresh temporary directory per test, removed afterwards; returns a getter for it. */
export function useServiceKeyDir(): () => string {
  let dir = '';
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ferry-service-keys-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  return () => dir;
}
