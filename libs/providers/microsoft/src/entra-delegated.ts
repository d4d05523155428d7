import { webcrypto } from 'node:crypto';
import { type DelegatedGrant, type OutboundFetch, ProviderError } from '@ferry/providers/core';
import {
  authorizationCodeGrant,
  ClientError,
  type ClientAuth,
  ClientSecretPost,
  type Configuration,
  customFetch,
  type CustomFetchOptions,
  discovery,
  enableNonRepudiationChecks,
  modifyAssertion,
  PrivateKeyJwt,
  refreshTokenGrant,
  ResponseBodyError,
  type TokenEndpointResponse,
  type TokenEndpointResponseHelpers,
} from 'openid-client';
import type { CertificateMaterial } from './client-credential';
import { aadstsOf, entraProviderError } from './entra-error';
import type { MicrosoftEndpoints } from './microsoft-cloud';
import { refuseUnavailable } from './msal-network';
import { grantedScopes } from './scopes';

/**
 * A delegated grant from Entra, with what the verified ID token says of the user's directory roles:
 * the template ids in its `wids` claim (present only when the app's optional claims ask for it and
 * the user holds roles; empty otherwise).
 */
export interface MicrosoftDelegatedGrant extends DelegatedGrant {
  readonly directoryRoles: readonly string[];
}

/** How the delegated flows authenticate the app: the same credential as the app-only flow. */
export type DelegatedClientAuth =
  | { readonly kind: 'client-secret'; readonly secret: string }
  | { readonly kind: 'certificate'; readonly material: CertificateMaterial };

export interface EntraDelegatedOptions {
  readonly tenantId: string;
  readonly clientId: string;
  readonly endpoints: MicrosoftEndpoints;
  readonly auth: DelegatedClientAuth;
  readonly fetch: OutboundFetch;
  readonly timeoutSeconds: number;
}

/** openid-client's fetch over Ferry's: throttled and failed answers become ProviderErrors before parsing. */
function oidcFetch(fetch: OutboundFetch) {
  return async (url: string, options: CustomFetchOptions): Promise<Response> => {
    const body = options.body;
    if (
      body !== undefined &&
      body !== null &&
      typeof body !== 'string' &&
      !(body instanceof URLSearchParams) &&
      !(body instanceof Uint8Array)
    ) {
      throw new ProviderError('invalid-input', 'unsupported request body for the token endpoint');
    }
    const res = await fetch(url, {
      method: options.method,
      headers: options.headers,
      ...(body ? { body } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    await refuseUnavailable(res);
    return res;
  };
}

/** The ProviderError behind an openid-client failure: ours from the transport, or Entra's mapped answer. */
export function delegatedProviderError(err: unknown): ProviderError {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 6; e = e.cause, depth++) {
    if (e instanceof ProviderError) return e;
    if (e instanceof ResponseBodyError) {
      const aadsts = aadstsOf(e.cause['error_codes'], e.error_description);
      return entraProviderError({
        error: e.error,
        status: e.status,
        ...(aadsts !== undefined ? { aadsts } : {}),
      });
    }
  }
  // openid-client's codes (e.g. OAUTH_JWT_CLAIM_COMPARISON) name the check that failed and carry no data.
  const code = err instanceof ClientError ? err.code : undefined;
  return new ProviderError(
    'provider-error',
    `Entra ID's token answer failed validation${code ? ` (${code})` : ''}`,
    code ? { providerCode: code } : {},
  );
}

/**
 * Authorization-code and refresh-token grants through openid-client, which hands back the refresh token
 * (Ferry seals it in its vault) and verifies the ID token: signature against the tenant's keys,
 * issuer pinned to the tenant, audience, expiry.
 */
export class EntraDelegated {
  private configuration: Promise<Configuration> | undefined;

  constructor(private readonly options: EntraDelegatedOptions) {}

  async redeem(code: string, redirectUri: URL, codeVerifier: string, scope: string): Promise<MicrosoftDelegatedGrant> {
    const config = await this.config();
    const callback = new URL(redirectUri);
    callback.searchParams.set('code', code);
    const tokens = await authorizationCodeGrant(
      config,
      callback,
      { pkceCodeVerifier: codeVerifier, idTokenExpected: true },
      { scope },
    ).catch((e: unknown) => {
      throw delegatedProviderError(e);
    });
    return this.grantOf(tokens);
  }

  async refresh(refreshToken: string, scope: string): Promise<MicrosoftDelegatedGrant> {
    const config = await this.config();
    const tokens = await refreshTokenGrant(config, refreshToken, { scope }).catch((e: unknown) => {
      throw delegatedProviderError(e);
    });
    return this.grantOf(tokens);
  }

  private grantOf(tokens: TokenEndpointResponse & TokenEndpointResponseHelpers): MicrosoftDelegatedGrant {
    const claims = tokens.claims();
    const oid = claims?.['oid'];
    const tid = claims?.['tid'];
    const username = claims?.['preferred_username'];
    if (!claims || typeof oid !== 'string' || typeof username !== 'string') {
      throw new ProviderError(
        'provider-error',
        'Entra ID answered without an ID token naming the user (is openid in the scopes?)',
      );
    }
    // The issuer is pinned to the tenant already; the claim is checked too, since the account id carries it.
    if (tid !== this.options.tenantId)
      throw new ProviderError('provider-error', 'the ID token names another tenant');
    return {
      accessToken: tokens.access_token,
      expiresAt: new Date(Date.now() + (tokens.expires_in ?? 3600) * 1000),
      granted: grantedScopes(tokens.scope, this.options.endpoints.graphOrigin),
      ...(tokens.refresh_token ? { refreshToken: tokens.refresh_token } : {}),
      account: { id: `${tid}:${oid}`, username },
      directoryRoles: Array.isArray(claims['wids']) ? claims['wids'].filter((w): w is string => typeof w === 'string') : [],
    };
  }

  /** Discovered once per client and kept; a failed discovery is retried on the next call. */
  private config(): Promise<Configuration> {
    this.configuration ??= this.discover().catch((e: unknown) => {
      this.configuration = undefined;
      throw e instanceof ProviderError ? e : delegatedProviderError(e);
    });
    return this.configuration;
  }

  private async discover(): Promise<Configuration> {
    const { endpoints, tenantId, clientId, timeoutSeconds } = this.options;
    // A `.well-known` URL is fetched as given: the 21Vianet cloud issues tokens under another host
    // than its sign-in host, so the issuer is pinned to the tenant below instead of to the URL.
    const wellKnown = new URL(`${endpoints.authorityHost}/${tenantId}/v2.0/.well-known/openid-configuration`);
    const config = await discovery(wellKnown, clientId, undefined, await this.clientAuth(), {
      [customFetch]: oidcFetch(this.options.fetch),
      timeout: timeoutSeconds,
    });
    const issuer = new URL(config.serverMetadata().issuer);
    if (issuer.protocol !== 'https:' || issuer.pathname !== `/${tenantId}/v2.0`) {
      throw new ProviderError(
        'provider-error',
        "Entra ID's discovery document names an issuer outside the tenant",
      );
    }
    enableNonRepudiationChecks(config);
    return config;
  }

  private async clientAuth(): Promise<ClientAuth> {
    const { auth } = this.options;
    if (auth.kind === 'client-secret') return ClientSecretPost(auth.secret);
    // PS256 with the SHA-256 thumbprint, as MSAL signs; Entra wants the token endpoint as audience.
    const der = auth.material.privateKey.export({ type: 'pkcs8', format: 'der' });
    const key = await webcrypto.subtle.importKey('pkcs8', der, { name: 'RSA-PSS', hash: 'SHA-256' }, false, [
      'sign',
    ]);
    const x5tS256 = Buffer.from(auth.material.thumbprintSha256, 'hex').toString('base64url');
    return (as, client, body, headers) =>
      PrivateKeyJwt(key, {
        [modifyAssertion]: (header, payload) => {
          header['x5t#S256'] = x5tS256;
          if (as.token_endpoint) payload.aud = as.token_endpoint;
        },
      })(as, client, body, headers);
  }
}
