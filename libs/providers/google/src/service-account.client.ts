import { createPrivateKey, type KeyObject } from 'node:crypto';
import { type IssuedToken, type OutboundFetch, ProviderError } from '@ferry/providers/core';
import { SignJWT } from 'jose';
import { requireAddress, requireScopes } from './input-checks';
import type { ServiceAccountKey } from './service-account-key.parser';
import { readTokenResponse } from './token-response.reader';

const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
/** Google's maximum assertion lifetime; the longest window tolerates the most clock skew. */
const ASSERTION_LIFETIME_S = 3600;

/** Milliseconds since the epoch; tests pass the sandbox's clock. */
export interface GoogleClock {
  now(): number;
}

export interface GoogleServiceAccountClientOptions {
  /** From {@link parseServiceAccountKey}. */
  readonly key: ServiceAccountKey;
  /** From `createOutboundFetch`: every token request goes through the SSRF guard. */
  readonly fetch: OutboundFetch;
  /** Dates the assertion (default: the system clock). */
  readonly clock?: GoogleClock;
}

/**
 * Mints access tokens for a Google service account with domain-wide delegation: a JWT-bearer assertion
 * (RFC 7523) signed RS256 with the key and posted to the key's `token_uri` (google-auth-library's JWT
 * client ignores `token_uri`). Caches nothing: the connectors service's token broker caches tokens.
 */
export class GoogleServiceAccountClient {
  private readonly key: ServiceAccountKey;
  private readonly fetch: OutboundFetch;
  private readonly clock: GoogleClock;
  private signingKey: KeyObject | undefined;

  constructor(options: GoogleServiceAccountClientOptions) {
    this.key = options.key;
    this.fetch = options.fetch;
    this.clock = options.clock ?? { now: () => Date.now() };
  }

  /** The numeric client id an admin authorises in the Admin console (not secret). */
  get clientId(): string {
    return this.key.clientId;
  }

  /**
   * An access token acting as `subject` (a user of the Workspace domain) with `scopes`, each of which an
   * admin must have delegated to the service account's client id.
   *
   * @throws ProviderError `not-authorized` (scope not delegated: `unauthorized_client`), `unknown-tenant`
   *   (no such user, or suspended), `invalid-credentials` (deleted or wrong key, clock far off),
   *   `unknown-client` (service account deleted), `throttled`, `unreachable`, `destination-refused`,
   *   `invalid-input`, `provider-error`; `details.providerCode` is Google's OAuth `error`.
   */
  async acquireDelegatedToken(subject: string, scopes: readonly string[]): Promise<IssuedToken> {
    requireAddress('subject', subject);
    requireScopes('scopes', scopes);
    const issuedAt = this.clock.now();
    const now = Math.floor(issuedAt / 1000);
    const assertion = await new SignJWT({ scope: scopes.join(' ') })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: this.key.privateKeyId })
      .setIssuer(this.key.clientEmail)
      .setSubject(subject)
      .setAudience(this.key.tokenUri)
      .setIssuedAt(now)
      .setExpirationTime(now + ASSERTION_LIFETIME_S)
      .sign(this.privateKey());
    const response = await this.fetch(this.key.tokenUri, {
      method: 'POST',
      headers: { accept: 'application/json' },
      body: new URLSearchParams({ grant_type: JWT_BEARER, assertion }),
    });
    const token = await readTokenResponse(response, 'service-account');
    return {
      accessToken: token.accessToken,
      expiresAt: new Date(issuedAt + token.expiresInSeconds * 1000),
      // Google's JWT-bearer answers carry no `scope`: it grants all requested scopes or refuses.
      granted: token.scope ?? [...scopes],
    };
  }

  private privateKey(): KeyObject {
    try {
      this.signingKey ??= createPrivateKey({ key: this.key.privateKeyPem, format: 'pem' });
    } catch {
      throw new ProviderError(
        'invalid-input',
        'service-account key: private_key is not a PKCS#8 PEM private key',
      );
    }
    return this.signingKey;
  }
}
