// Test-only helpers: ES256 keys made per run and access tokens shaped as identity issues them.
import { createHmac, type KeyObject } from 'node:crypto';
import { base64url, exportJWK, exportSPKI, generateKeyPair, type JWK, type JWTPayload, SignJWT } from 'jose';
import { StaticJwksSource } from '../jwks-source';

export const ISSUER = 'urn:ferry:identity:test';
export const ORG_A = '3f6c1a52-8d1e-4c1b-9a51-2b7e0f3c9d10';
export const ORG_B = '9b2d4e61-0a7f-4e3c-8b12-5c6d7e8f9a01';

export interface SigningKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

export async function signingKey(kid: string, alg = 'ES256'): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg);
  return { kid, privateKey: privateKey as KeyObject, publicKey: publicKey as KeyObject };
}

/** The public JWK identity would publish for the key. */
export async function publicJwk(key: SigningKey): Promise<JWK> {
  return { ...(await exportJWK(key.publicKey)), kid: key.kid, use: 'sig', alg: 'ES256' };
}

export function staticSource(...keys: SigningKey[]): StaticJwksSource {
  return new StaticJwksSource(new Map(keys.map((k) => [k.kid, k.publicKey])));
}

/** Claims of a valid org-admin token for ORG_A, valid for 5 minutes from now. */
export function claims(overrides: JWTPayload = {}): JWTPayload {
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: ISSUER,
    aud: 'ferry-api',
    sub: 'acc-1',
    sid: 'ses-1',
    org: ORG_A,
    roles: ['org-admin'],
    amr: ['pwd', 'otp'],
    iat: now,
    nbf: now,
    exp: now + 300,
    jti: 'jti-1',
    ...overrides,
  };
}

export interface SignOptions {
  readonly payload?: JWTPayload;
  readonly header?: Record<string, unknown>;
  readonly alg?: string;
}

export async function signToken(key: SigningKey, options: SignOptions = {}): Promise<string> {
  const alg = options.alg ?? 'ES256';
  return new SignJWT(options.payload ?? claims())
    .setProtectedHeader({ alg, kid: key.kid, typ: 'at+jwt', ...options.header })
    .sign(key.privateKey);
}

const encodeJson = (value: unknown): string => base64url.encode(JSON.stringify(value));

/** An unsigned token (`alg: none`), built by hand since no library will sign one. */
export function unsignedToken(kid: string, payload: JWTPayload = claims()): string {
  return `${encodeJson({ alg: 'none', typ: 'at+jwt', kid })}.${encodeJson(payload)}.`;
}

/** The HS/RS confusion attack: HS256 "signed" with the public key's PEM as the HMAC secret. */
export async function hmacWithPublicKey(key: SigningKey, payload: JWTPayload = claims()): Promise<string> {
  const input = `${encodeJson({ alg: 'HS256', typ: 'at+jwt', kid: key.kid })}.${encodeJson(payload)}`;
  const secret = await exportSPKI(key.publicKey);
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

/** Replaces the payload of a signed token, keeping its header and signature. */
export function withPayload(token: string, payload: JWTPayload): string {
  const [header, , signature] = token.split('.');
  return `${header}.${encodeJson(payload)}.${signature}`;
}
