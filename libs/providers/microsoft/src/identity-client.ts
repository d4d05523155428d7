import { randomUUID } from 'node:crypto';
import { AuthError, ConfidentialClientApplication, LogLevel, ServerError } from '@azure/msal-node';
import {
  type DelegatedGrant,
  type IssuedToken,
  type OutboundFetch,
  ProviderError,
  safeProviderCode,
} from '@ferry/providers/core';
import { decodeJwt } from 'jose';
import {
  certificateMaterial,
  type CertificateMaterial,
  type MicrosoftClientCredential,
} from './client-credential';
import { EntraDelegated, type MicrosoftDelegatedGrant } from './entra-delegated';
import { GUID } from './ids';
import { aadstsOf, entraProviderError } from './entra-error';
import { type MicrosoftEndpoints, validateEndpoints } from './microsoft-cloud';
import { OutboundNetworkModule } from './msal-network';
import { redirectUriOf } from './redirect-uri';
import { delegatedScopeParameter } from './scopes';

const PKCE_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;
const PKCE_VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;

/** One connector's app registration in one tenant, and the outbound fetch to reach it with. */
export interface MicrosoftIdentityClientOptions {
  /** The directory (tenant) id, a GUID. */
  readonly tenantId: string;
  /** The application (client) id of the app registration, a GUID. */
  readonly clientId: string;
  readonly credential: MicrosoftClientCredential;
  readonly endpoints: MicrosoftEndpoints;
  /** From `createOutboundFetch`: every request is checked by the SSRF policy and bounded in time. */
  readonly fetch: OutboundFetch;
}

function msalProviderError(err: unknown): ProviderError {
  if (err instanceof ProviderError) return err;
  if (err instanceof ServerError) {
    // Typed as a string, but MSAL passes on the number from Entra's `error_codes`.
    const errorNo = String(err.errorNo ?? '');
    const aadsts = /^\d{1,9}$/.test(errorNo) ? Number(errorNo) : aadstsOf(undefined, err.errorMessage);
    return entraProviderError({
      error: err.errorCode,
      ...(aadsts !== undefined ? { aadsts } : {}),
      ...(err.status !== undefined ? { status: err.status } : {}),
    });
  }
  // MSAL's own codes (e.g. `invalid_authority`) are constants; its messages can quote configuration.
  const code = err instanceof AuthError ? safeProviderCode(err.errorCode) : undefined;
  return new ProviderError(
    'provider-error',
    `MSAL could not obtain a token${code ? ` (${code})` : ''}`,
    code ? { providerCode: code } : {},
  );
}

/**
 * Entra ID for one connector: app-only tokens through MSAL (client credentials with a secret or a
 * certificate), and a user's delegated grant (authorization code + PKCE, refresh) through openid-client,
 * which returns the refresh token for Ferry's vault. Every request goes through the given outbound
 * fetch; every failure is a ProviderError that names no secret, token or user.
 *
 * MSAL's token cache never answers: every `acquireAppToken` asks Entra (`skipCache`). The connectors
 * service's broker is the one cache, and a second one in front of Entra would hand it tokens that it
 * already considers too old, or roles from before an admin changed them. One instance per connector
 * configuration, so nothing is shared between connectors.
 */
export class MicrosoftIdentityClient {
  readonly tenantId: string;
  readonly clientId: string;
  readonly endpoints: MicrosoftEndpoints;
  readonly credentialKind: MicrosoftClientCredential['kind'];
  /** The certificate's SHA-1 thumbprint (upper-case hex), as the Entra admin center lists it. */
  readonly certificateThumbprint: string | undefined;
  private readonly certificate: CertificateMaterial | undefined;
  private readonly network: OutboundNetworkModule;
  private readonly msal: ConfidentialClientApplication;
  private readonly delegated: EntraDelegated;

  /** @throws ProviderError `invalid-input` for a malformed id, endpoint or credential. */
  constructor(options: MicrosoftIdentityClientOptions) {
    if (typeof options.tenantId !== 'string' || !GUID.test(options.tenantId))
      throw new ProviderError('invalid-input', 'tenantId must be the directory (tenant) id, a GUID');
    if (typeof options.clientId !== 'string' || !GUID.test(options.clientId))
      throw new ProviderError('invalid-input', 'clientId must be the application (client) id, a GUID');
    if (typeof options.fetch !== 'function')
      throw new ProviderError('invalid-input', 'fetch must be an outbound fetch');
    this.tenantId = options.tenantId.toLowerCase();
    this.clientId = options.clientId.toLowerCase();
    this.endpoints = validateEndpoints(options.endpoints);
    const credential = options.credential;
    this.credentialKind = credential.kind;
    if (credential.kind === 'certificate') {
      this.certificate = certificateMaterial(credential.certificatePem, credential.privateKeyPem);
    } else if (
      credential.kind !== 'client-secret' ||
      typeof credential.secret !== 'string' ||
      credential.secret.length === 0 ||
      credential.secret.length > 1024
    ) {
      throw new ProviderError(
        'invalid-input',
        'the credential must be a client secret or a certificate with its private key',
      );
    }
    this.certificateThumbprint = this.certificate?.thumbprintSha1;
    this.network = new OutboundNetworkModule(options.fetch);
    const authority = `${this.endpoints.authorityHost}/${this.tenantId}`;
    this.msal = new ConfidentialClientApplication({
      auth: {
        clientId: this.clientId,
        authority,
        knownAuthorities: [new URL(this.endpoints.authorityHost).host],
        // The endpoints are known, so MSAL needs no discovery round trip (and no instance discovery
        // at login.microsoftonline.com for a national cloud).
        authorityMetadata: JSON.stringify({
          token_endpoint: `${authority}/oauth2/v2.0/token`,
          authorization_endpoint: `${authority}/oauth2/v2.0/authorize`,
          end_session_endpoint: `${authority}/oauth2/v2.0/logout`,
          jwks_uri: `${authority}/discovery/v2.0/keys`,
          issuer: `${authority}/v2.0`,
        }),
        ...(this.certificate
          ? {
              clientCertificate: {
                thumbprintSha256: this.certificate.thumbprintSha256,
                privateKey: this.certificate.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
              },
            }
          : { clientSecret: credential.kind === 'client-secret' ? credential.secret : '' }),
      },
      system: {
        networkClient: this.network,
        loggerOptions: {
          piiLoggingEnabled: false,
          logLevel: LogLevel.Error,
          loggerCallback: () => undefined,
        },
      },
    });
    this.delegated = new EntraDelegated({
      tenantId: this.tenantId,
      clientId: this.clientId,
      endpoints: this.endpoints,
      auth: this.certificate
        ? { kind: 'certificate', material: this.certificate }
        : { kind: 'client-secret', secret: credential.kind === 'client-secret' ? credential.secret : '' },
      fetch: options.fetch,
      timeoutSeconds: 15,
    });
  }

  /**
   * An app-only Graph token (client credentials, scope `{graphOrigin}/.default`). `granted` is the
   * token's `roles` claim, decoded without verification and used for nothing but reporting.
   * @throws ProviderError `invalid-credentials`, `unknown-tenant`, `unknown-client`, `not-authorized`,
   *   `throttled`, `unreachable`, `destination-refused`, `provider-error`
   */
  async acquireAppToken(): Promise<IssuedToken> {
    if (this.certificate && this.certificate.notAfter.getTime() <= Date.now()) {
      throw new ProviderError(
        'invalid-credentials',
        `the certificate expired on ${this.certificate.notAfter.toISOString()}`,
      );
    }
    const correlationId = randomUUID();
    try {
      const result = await this.msal.acquireTokenByClientCredential({
        scopes: [`${this.endpoints.graphOrigin}/.default`],
        correlationId,
        skipCache: true,
      });
      if (!result?.accessToken)
        throw new ProviderError('provider-error', 'Entra ID answered without an access token');
      return {
        accessToken: result.accessToken,
        expiresAt: result.expiresOn ?? new Date(Date.now() + 3_600_000),
        granted: rolesOf(result.accessToken),
      };
    } catch (err) {
      throw this.network.takeFailure(correlationId) ?? msalProviderError(err);
    } finally {
      this.network.takeFailure(correlationId);
    }
  }

  /**
   * The URL that sends a user to sign in and grant Ferry delegated access: authorization code with
   * PKCE (S256), `openid profile offline_access` always included, Graph permission names qualified
   * with the cloud's Graph origin.
   * @throws ProviderError `invalid-input`
   */
  authorizationUrl(params: {
    redirectUri: string;
    state: string;
    codeChallenge: string;
    scopes: readonly string[];
    loginHint?: string;
  }): string {
    const redirectUri = redirectUriOf(params.redirectUri);
    if (typeof params.state !== 'string' || params.state.length < 16 || params.state.length > 512)
      throw new ProviderError('invalid-input', 'state must be 16 to 512 characters');
    if (typeof params.codeChallenge !== 'string' || !PKCE_CHALLENGE.test(params.codeChallenge))
      throw new ProviderError('invalid-input', 'codeChallenge must be a base64url SHA-256 (S256) challenge');
    const url = new URL(`${this.endpoints.authorityHost}/${this.tenantId}/oauth2/v2.0/authorize`);
    url.searchParams.set('client_id', this.clientId);
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('response_mode', 'query');
    url.searchParams.set('redirect_uri', redirectUri.href);
    url.searchParams.set('scope', delegatedScopeParameter(params.scopes, this.endpoints.graphOrigin));
    url.searchParams.set('state', params.state);
    url.searchParams.set('code_challenge', params.codeChallenge);
    url.searchParams.set('code_challenge_method', 'S256');
    if (params.loginHint !== undefined) {
      if (typeof params.loginHint !== 'string' || params.loginHint.length > 320)
        throw new ProviderError('invalid-input', 'loginHint must be a sign-in name');
      url.searchParams.set('login_hint', params.loginHint);
    }
    return url.href;
  }

  /**
   * Redeems the code from the redirect for a delegated grant, with the refresh token Ferry keeps sealed.
   * `account` comes from the verified ID token: `tid:oid` and `preferred_username`.
   * @throws ProviderError `invalid-grant` (code used, expired, verifier or redirect mismatch) and the app-token codes
   */
  async redeemAuthorizationCode(params: {
    code: string;
    redirectUri: string;
    codeVerifier: string;
    scopes: readonly string[];
  }): Promise<MicrosoftDelegatedGrant> {
    if (typeof params.code !== 'string' || params.code.length === 0 || params.code.length > 4096)
      throw new ProviderError('invalid-input', 'code must be the authorization code from the redirect');
    if (typeof params.codeVerifier !== 'string' || !PKCE_VERIFIER.test(params.codeVerifier))
      throw new ProviderError('invalid-input', 'codeVerifier must be a PKCE verifier (43 to 128 characters)');
    return this.delegated.redeem(
      params.code,
      redirectUriOf(params.redirectUri),
      params.codeVerifier,
      delegatedScopeParameter(params.scopes, this.endpoints.graphOrigin),
    );
  }

  /**
   * Exchanges a stored refresh token for a fresh delegated grant. Entra usually rotates the refresh
   * token: store `refreshToken` when present, replacing the old one.
   * @throws ProviderError `invalid-grant` (revoked, expired, or the user must sign in again) and the app-token codes
   */
  async refreshDelegated(params: {
    refreshToken: string;
    scopes: readonly string[];
  }): Promise<DelegatedGrant> {
    if (
      typeof params.refreshToken !== 'string' ||
      params.refreshToken.length === 0 ||
      params.refreshToken.length > 16_384
    )
      throw new ProviderError('invalid-input', 'refreshToken must be a refresh token');
    return this.delegated.refresh(
      params.refreshToken,
      delegatedScopeParameter(params.scopes, this.endpoints.graphOrigin),
    );
  }
}

/** The `roles` claim of an app-only access token; reporting only, never trusted for access decisions. */
function rolesOf(accessToken: string): string[] {
  try {
    const roles = decodeJwt(accessToken)['roles'];
    return Array.isArray(roles) ? roles.filter((r): r is string => typeof r === 'string') : [];
  } catch {
    return [];
  }
}
