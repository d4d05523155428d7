import type { CredentialAccess, InspectedCredentials, TokenRequest, UserLoginSample } from '@ferry/connectors/application';
import { type Connector, type GoogleSettings, userCredentialField, type Violation } from '@ferry/connectors/domain';
import {
  checkGoogleConnection,
  GOOGLE_DELEGATED_USER_SCOPES,
  type GoogleEndpoints,
  GoogleOAuthClient,
  GoogleServiceAccountClient,
  googleDelegationScopesFor,
  parseServiceAccountKey,
} from '@ferry/providers/google';
import { type ConnectionReport, type DelegatedGrant, type IssuedToken, ProviderError, reportOf, type Workload } from '@ferry/providers/core';
import type { StoredGrant } from './microsoft.tenant';
import { checkDelegatedGrants } from './delegated-grants.check';
import { destinationViolation, type Outbound } from './outbound';
import { type DelegatingTenant, type DelegationCode, type DelegationStart, parseStoredCredential, required, type TenantAdapter } from './tenant.adapter';

/**
 * Google Workspace through a domain-wide-delegated service account (tokens minted per user) or per-user
 * OAuth grants; every call through the SSRF-guarded outbound path.
 */
export class GoogleTenant implements TenantAdapter<GoogleSettings>, DelegatingTenant<GoogleSettings> {
  constructor(
    private readonly outbound: Outbound,
    /** The installation's Google endpoints (the public ones, or a test cloud's). */
    private readonly endpoints: GoogleEndpoints,
  ) {}

  async inspect(settings: GoogleSettings, secret: string | null): Promise<InspectedCredentials> {
    const violations: Violation[] = [];
    let next = settings;
    if (settings.auth === 'service-account' && secret !== null) {
      try {
        const key = parseServiceAccountKey(secret);
        next = { ...settings, serviceAccountClientId: key.clientId };
        violations.push(...(await destinationViolation(this.outbound.policy, 'secret.token_uri', new URL(key.tokenUri).hostname.replace(/^\[|\]$/g, ''))));
      } catch (err) {
        if (!(err instanceof ProviderError)) throw err;
        violations.push({ field: 'secret', reason: err.message });
      }
    }
    return { settings: next, violations, expiresAt: null };
  }

  async acquire(connector: Connector & { settings: GoogleSettings }, request: TokenRequest, credentials: CredentialAccess): Promise<IssuedToken> {
    if (connector.settings.auth === 'service-account') {
      const client = await this.serviceAccount(credentials);
      const subject = request.subject ?? (await required(credentials, 'admin-user'));
      return client.acquireDelegatedToken(subject, request.scopes);
    }
    if (!request.subjectPseudonym) throw new ProviderError('invalid-input', 'a delegated connector issues tokens per user: name the user');
    const field = userCredentialField(request.subjectPseudonym);
    const text = await required(credentials, field);
    const stored: StoredGrant = parseStoredCredential(text, ['refreshToken']);
    const client = await this.oauthClient(connector.settings, credentials);
    const grant = await client.refresh({ refreshToken: stored.refreshToken });
    if ('refreshToken' in grant && grant.refreshToken && grant.refreshToken !== stored.refreshToken) {
      await credentials.replace(field, JSON.stringify({ refreshToken: grant.refreshToken } satisfies StoredGrant), text);
    }
    return { accessToken: grant.accessToken, expiresAt: grant.expiresAt, granted: grant.granted };
  }

  scopesFor(settings: GoogleSettings, workloads: readonly string[]): readonly string[] {
    if (settings.auth === 'service-account') return googleDelegationScopesFor(workloads);
    return [...new Set(workloads.flatMap((w) => GOOGLE_DELEGATED_USER_SCOPES[w as Workload] ?? []))].sort();
  }

  async test(connector: Connector & { settings: GoogleSettings }, credentials: CredentialAccess, samples: readonly UserLoginSample[]): Promise<ConnectionReport> {
    if (connector.settings.auth !== 'service-account') {
      const client = await this.oauthClient(connector.settings, credentials);
      const findings = await checkDelegatedGrants({
        samples,
        credentials,
        required: this.scopesFor(connector.settings, connector.workloads),
        refresh: (refreshToken) => client.refresh({ refreshToken }),
        covers: (scope, granted) => granted.includes(scope),
      });
      return reportOf(findings);
    }
    const key = parseServiceAccountKey(await required(credentials, 'service-account-key'));
    return checkGoogleConnection({
      serviceAccount: new GoogleServiceAccountClient({ key, fetch: this.outbound.fetch }),
      clientId: key.clientId,
      adminUser: await required(credentials, 'admin-user'),
      customerId: connector.settings.customerId,
      workloads: connector.workloads,
      endpoints: this.endpoints,
      fetch: this.outbound.fetch,
    });
  }

  async authorizationUrl(connector: Connector & { settings: GoogleSettings }, start: DelegationStart, credentials: CredentialAccess): Promise<string> {
    const { redirectUri, state, codeChallenge, scopes, loginHint } = start;
    return (await this.oauthClient(connector.settings, credentials)).authorizationUrl({ redirectUri, state, codeChallenge, scopes, ...(loginHint !== null && { loginHint }) });
  }

  async redeem(connector: Connector & { settings: GoogleSettings }, code: DelegationCode, credentials: CredentialAccess): Promise<DelegatedGrant> {
    const { redirectUri, codeVerifier } = code;
    return (await this.oauthClient(connector.settings, credentials)).redeemAuthorizationCode({ code: code.code, redirectUri, codeVerifier });
  }

  private async oauthClient(settings: GoogleSettings, credentials: CredentialAccess): Promise<GoogleOAuthClient> {
    return new GoogleOAuthClient({ clientId: settings.oauthClientId ?? '', clientSecret: await required(credentials, 'oauth-client-secret'), endpoints: this.endpoints, fetch: this.outbound.fetch });
  }

  private async serviceAccount(credentials: CredentialAccess): Promise<GoogleServiceAccountClient> {
    return new GoogleServiceAccountClient({ key: parseServiceAccountKey(await required(credentials, 'service-account-key')), fetch: this.outbound.fetch });
  }
}
