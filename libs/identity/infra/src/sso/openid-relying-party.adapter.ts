import { Inject, Injectable } from '@nestjs/common';
import type { OidcRelyingParty, ProviderAssertion } from '@ferry/identity/application';
import type { SsoProviderName } from '@ferry/identity/domain';
import {
  authorizationCodeGrant,
  buildAuthorizationUrl,
  calculatePKCECodeChallenge,
  ClientSecretPost,
  type Configuration,
  customFetch,
  discovery,
  enableNonRepudiationChecks,
} from 'openid-client';
import { createHash, timingSafeEqual } from 'node:crypto';
import {
  OPEN_ID_RELYING_PARTY_OPTIONS,
  type OpenIdRelyingPartyOptions,
} from './openid-relying-party.options';
import { entraAssertion, googleAssertion } from './provider-claims';
import { reject, rejectionReason } from './sso-rejection';

const ENTRA_AUTHORITY = 'https://login.microsoftonline.com';
const GOOGLE_ISSUER = 'https://accounts.google.com';
const SCOPES: Record<SsoProviderName, string> = { entra: 'openid profile', google: 'openid email profile' };
const TENANT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Bounds the per-tenant discovery cache (one entry per Entra tenant in use, plus Google). */
const MAX_CACHED_CONFIGURATIONS = 500;

interface ProviderClient {
  readonly clientId: string;
  readonly clientSecret: string;
}

const trimSlash = (url: string): string => url.replace(/\/+$/, '');

function httpsUrl(field: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`${field} must be an absolute URL`);
  }
  if (url.protocol !== 'https:') throw new Error(`${field} must be an https URL`);
  return trimSlash(url.href);
}

function redirectUriOf(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error('redirectUri must be an absolute URL');
  }
  const loopback = ['127.0.0.1', '[::1]', 'localhost'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback))
    throw new Error('redirectUri must be https (http only on loopback)');
  if (url.search || url.hash) throw new Error('redirectUri must have no query or fragment');
  return url;
}

function clientOf(
  provider: string,
  o: { clientId?: string; clientSecret?: string } | undefined,
): ProviderClient | null {
  if (!o?.clientId) return null;
  if (!o.clientSecret)
    throw new Error(`${provider}.clientSecret is required when ${provider}.clientId is set`);
  return { clientId: o.clientId, clientSecret: o.clientSecret };
}

/** Constant-time comparison of the callback's state with the flow's (both are random tokens). */
function sameState(a: string, b: string): boolean {
  const h = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(h(a), h(b));
}

/**
 * The OIDC relying party for Entra ID and Google over openid-client: authorization code + PKCE
 * (S256), state and nonce, ID token signature checked against the provider's JWKS. Entra is
 * discovered per tenant (`{authority}/{tenant}/v2.0`), so its issuer pins the tenant. Every refusal
 * is an SsoRejectedError whose message is a reason code only.
 */
@Injectable()
export class OpenIdRelyingParty implements OidcRelyingParty {
  private readonly redirectUri: URL;
  private readonly clients: Record<SsoProviderName, ProviderClient | null>;
  private readonly entraAuthority: string;
  private readonly googleIssuer: string;
  private readonly googleDiscovery: string | null;
  private readonly timeoutSeconds: number;
  private readonly discoveryTtlMs: number;
  private readonly configurations = new Map<
    string,
    { readonly config: Promise<Configuration>; readonly expiresAt: number }
  >();

  constructor(@Inject(OPEN_ID_RELYING_PARTY_OPTIONS) private readonly options: OpenIdRelyingPartyOptions) {
    this.redirectUri = redirectUriOf(options.redirectUri);
    this.clients = { entra: clientOf('entra', options.entra), google: clientOf('google', options.google) };
    this.entraAuthority = httpsUrl('entra.authority', options.entra?.authority ?? ENTRA_AUTHORITY);
    this.googleIssuer = httpsUrl('google.issuer', options.google?.issuer ?? GOOGLE_ISSUER);
    this.googleDiscovery = options.google?.discoveryBase
      ? httpsUrl('google.discoveryBase', options.google.discoveryBase)
      : null;
    this.timeoutSeconds = options.timeoutSeconds ?? 10;
    this.discoveryTtlMs = (options.discoveryTtlSeconds ?? 3600) * 1000;
  }

  isConfigured(provider: SsoProviderName): boolean {
    return this.clients[provider] !== null;
  }

  async authorizationUrl(
    provider: SsoProviderName,
    params: {
      state: string;
      nonce: string;
      codeVerifier: string;
      tenantId: string | null;
      hostedDomain: string | null;
    },
  ): Promise<string> {
    const config = await this.configuration(provider, params.tenantId);
    const query: Record<string, string> = {
      redirect_uri: this.redirectUri.href,
      scope: SCOPES[provider],
      response_type: 'code',
      code_challenge: await calculatePKCECodeChallenge(params.codeVerifier),
      code_challenge_method: 'S256',
      state: params.state,
      nonce: params.nonce,
    };
    // Google only preselects the Workspace domain; the `hd` claim is what the use case checks.
    if (provider === 'google' && params.hostedDomain) query['hd'] = params.hostedDomain;
    return buildAuthorizationUrl(config, query).href;
  }

  async complete(
    provider: SsoProviderName,
    callbackUrl: string,
    params: { state: string; nonce: string; codeVerifier: string; tenantId: string | null },
  ): Promise<ProviderAssertion> {
    let callback: URLSearchParams;
    try {
      callback = new URL(callbackUrl).searchParams;
    } catch {
      reject('state-mismatch');
    }
    // Checked here first so a forged or stale callback is refused before any request is made.
    const state = callback.get('state');
    if (state === null || !sameState(state, params.state)) reject('state-mismatch');
    if (callback.has('error')) reject('idp-error');
    const config = await this.configuration(provider, params.tenantId);
    // Redeem against the registered redirect URI, not whatever host the callback arrived on.
    const current = new URL(this.redirectUri.href);
    for (const [k, v] of callback) current.searchParams.append(k, v);
    let claims: Readonly<Record<string, unknown>> | undefined;
    try {
      const tokens = await authorizationCodeGrant(config, current, {
        pkceCodeVerifier: params.codeVerifier,
        expectedState: params.state,
        expectedNonce: params.nonce,
        idTokenExpected: true,
      });
      claims = tokens.claims();
    } catch (error) {
      reject(rejectionReason(error));
    }
    if (!claims) reject('claims');
    return provider === 'entra'
      ? entraAssertion(claims, params.tenantId ?? reject('tenant'))
      : googleAssertion(claims);
  }

  /** The discovered configuration for a provider (Entra: per tenant), cached; a failed discovery is retried next time. */
  private async configuration(provider: SsoProviderName, tenantId: string | null): Promise<Configuration> {
    const client = this.clients[provider] ?? reject('not-configured');
    if (provider === 'entra' && (tenantId === null || !TENANT_ID.test(tenantId))) reject('tenant');
    const key = provider === 'entra' ? `entra:${tenantId ?? ''}` : 'google';
    const cached = this.configurations.get(key);
    if (cached && cached.expiresAt > Date.now()) return cached.config;
    const config = this.discover(provider, client, tenantId ?? '');
    this.configurations.delete(key);
    if (this.configurations.size >= MAX_CACHED_CONFIGURATIONS)
      this.configurations.delete(this.configurations.keys().next().value ?? '');
    this.configurations.set(key, { config, expiresAt: Date.now() + this.discoveryTtlMs });
    config.catch(() => {
      if (this.configurations.get(key)?.config === config) this.configurations.delete(key);
    });
    return config;
  }

  private async discover(
    provider: SsoProviderName,
    client: ProviderClient,
    tenantId: string,
  ): Promise<Configuration> {
    const issuer = provider === 'entra' ? `${this.entraAuthority}/${tenantId}/v2.0` : this.googleIssuer;
    // A well-known URL is fetched as given and its issuer is not compared by openid-client: done below.
    const source =
      provider === 'google' && this.googleDiscovery
        ? `${this.googleDiscovery}/.well-known/openid-configuration`
        : issuer;
    let config: Configuration;
    try {
      config = await discovery(
        new URL(source),
        client.clientId,
        // Both providers sign ID tokens with RS256; pinning it refuses any other `alg` outright.
        { client_secret: client.clientSecret, id_token_signed_response_alg: 'RS256' },
        ClientSecretPost(client.clientSecret),
        {
          execute: [enableNonRepudiationChecks],
          timeout: this.timeoutSeconds,
          ...(this.options.fetch ? { [customFetch]: this.options.fetch } : {}),
        },
      );
    } catch (error) {
      // Only a document naming another issuer is a refusal of its own; the rest is an unreachable IdP.
      reject(rejectionReason(error) === 'issuer' ? 'issuer' : 'discovery');
    }
    if (config.serverMetadata().issuer !== issuer) reject('issuer');
    return config;
  }
}
