/** One provider's OAuth client; a provider without `clientId` is not configured. */
export interface OidcClientOptions {
  readonly clientId?: string;
  readonly clientSecret?: string;
}

/** Settings of {@link OpenIdRelyingParty}; the identity service builds them from its environment. */
export interface OpenIdRelyingPartyOptions {
  /**
   * The gateway's callback (`https://<host>/api/v1/auth/sso/callback`), registered with both
   * providers. The code is redeemed against exactly this URI, whatever host the callback came in on.
   */
  readonly redirectUri: string;
  readonly entra?: OidcClientOptions & {
    /** Default `https://login.microsoftonline.com`; discovery is `{authority}/{tenantId}/v2.0`. */
    readonly authority?: string;
  };
  readonly google?: OidcClientOptions & {
    /** The ID tokens' `iss`; default `https://accounts.google.com`. */
    readonly issuer?: string;
    /**
     * Where `/.well-known/openid-configuration` is fetched from when that is not the issuer (the
     * sandbox serves it from its own origin). The document must still name `issuer`.
     */
    readonly discoveryBase?: string;
  };
  /** Seconds each request to a provider may take (default 10). */
  readonly timeoutSeconds?: number;
  /** Seconds a discovery document is reused before it is fetched again (default 3600). */
  readonly discoveryTtlSeconds?: number;
  /**
   * The HTTP client for provider requests (default: the global fetch, TLS verified as always). For a
   * proxy-aware or instrumented fetch; the tests use it to alter responses in transit.
   */
  readonly fetch?: (url: string, init: RequestInit) => Promise<Response>;
}

export const OPEN_ID_RELYING_PARTY_OPTIONS = Symbol('OpenIdRelyingPartyOptions');
