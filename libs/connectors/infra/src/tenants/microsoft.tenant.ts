import { ConnectorStateError, type CredentialAccess, type InspectedCredentials, type TokenRequest, type UserLoginSample } from '@ferry/connectors/application';
import { type Connector, type MicrosoftSettings, userCredentialField, type Violation } from '@ferry/connectors/domain';
import { type ConnectionReport, type DelegatedGrant, type IssuedToken, ProviderError, reportOf, type Workload } from '@ferry/providers/core';
import {
  checkMicrosoftConnection,
  coverage,
  delegatedScopesFor,
  describeCertificate,
  GRAPH_DELEGATED_SCOPES,
  MICROSOFT_CLOUDS,
  type MicrosoftClientCredential,
  type MicrosoftEndpoints,
  MicrosoftIdentityClient,
  validateEndpoints,
} from '@ferry/providers/microsoft';
import type { MicrosoftInstallationApp } from './microsoft-installation.app';
import { checkDelegatedGrants } from './delegated-grants.check';
import { destinationViolation, type Outbound } from './outbound';
import { type DelegatingTenant, type DelegationCode, type DelegationStart, parseStoredCredential, required, type TenantAdapter } from './tenant.adapter';

/** A user's delegated grant as the vault keeps it (sealed under the user's pseudonym). */
export interface StoredGrant {
  readonly refreshToken: string;
}

/** A connector's Entra and Graph endpoints: its national cloud's, or its custom ones. */
export function microsoftEndpointsOf(settings: MicrosoftSettings): MicrosoftEndpoints {
  return settings.cloud === 'custom' && settings.endpoints ? validateEndpoints(settings.endpoints) : MICROSOFT_CLOUDS[settings.cloud === 'custom' ? 'global' : settings.cloud];
}

/**
 * Microsoft 365 through Entra ID (MSAL) and Graph, every call through the SSRF-guarded outbound path.
 * Admin-consent connectors have no secret of their own: they use the installation's app credential.
 */
export class MicrosoftTenant implements TenantAdapter<MicrosoftSettings>, DelegatingTenant<MicrosoftSettings> {
  constructor(
    private readonly outbound: Outbound,
    private readonly installation: MicrosoftInstallationApp,
  ) {}

  endpoints(settings: MicrosoftSettings): MicrosoftEndpoints {
    return microsoftEndpointsOf(settings);
  }

  async inspect(settings: MicrosoftSettings, secret: string | null): Promise<InspectedCredentials> {
    const violations: Violation[] = [];
    let next = settings;
    let expiresAt: Date | null = null;
    if (settings.auth === 'admin-consent') violations.push({ field: 'microsoft.auth', reason: 'admin-consent connectors are created by the consent flow' });
    if (settings.cloud === 'custom' && settings.endpoints) {
      try {
        const endpoints = validateEndpoints(settings.endpoints);
        violations.push(
          ...(await destinationViolation(this.outbound.policy, 'microsoft.authorityHost', new URL(endpoints.authorityHost).hostname.replace(/^\[|\]$/g, ''))),
          ...(await destinationViolation(this.outbound.policy, 'microsoft.graphOrigin', new URL(endpoints.graphOrigin).hostname.replace(/^\[|\]$/g, ''))),
        );
      } catch (err) {
        if (!(err instanceof ProviderError)) throw err;
        violations.push({ field: 'microsoft.cloud', reason: err.message });
      }
    }
    if (settings.auth === 'certificate' && settings.certificate && secret !== null) {
      try {
        const described = describeCertificate(settings.certificate.pem, secret);
        expiresAt = described.notAfter;
        next = { ...settings, certificate: { pem: settings.certificate.pem, thumbprintSha256: described.thumbprintSha256, notAfter: described.notAfter.toISOString() } };
      } catch (err) {
        if (!(err instanceof ProviderError)) throw err;
        violations.push({ field: 'microsoft.certificatePem', reason: err.message });
      }
    }
    return { settings: next, violations, expiresAt };
  }

  async acquire(connector: Connector & { settings: MicrosoftSettings }, request: TokenRequest, credentials: CredentialAccess): Promise<IssuedToken> {
    const client = await this.client(connector.settings, credentials);
    if (connector.settings.auth !== 'delegated') return client.acquireAppToken();
    if (!request.subjectPseudonym) throw new ProviderError('invalid-input', 'a delegated connector issues tokens per user: name the user');
    const field = userCredentialField(request.subjectPseudonym);
    const text = await required(credentials, field);
    const stored: StoredGrant = parseStoredCredential(text, ['refreshToken']);
    const grant = await client.refreshDelegated({ refreshToken: stored.refreshToken, scopes: request.scopes });
    if (grant.refreshToken && grant.refreshToken !== stored.refreshToken) await credentials.replace(field, JSON.stringify({ refreshToken: grant.refreshToken } satisfies StoredGrant), text);
    return { accessToken: grant.accessToken, expiresAt: grant.expiresAt, granted: grant.granted };
  }

  scopesFor(settings: MicrosoftSettings, workloads: readonly string[]): readonly string[] {
    if (workloads.length === 0) return [];
    if (settings.auth !== 'delegated') return [`${this.endpoints(settings).graphOrigin}/.default`];
    return [...new Set(workloads.flatMap((w) => GRAPH_DELEGATED_SCOPES[w as Workload] ?? []))].sort();
  }

  async authorizationUrl(connector: Connector & { settings: MicrosoftSettings }, start: DelegationStart, credentials: CredentialAccess): Promise<string> {
    const client = await this.client(connector.settings, credentials);
    const { redirectUri, state, codeChallenge, scopes, loginHint } = start;
    return client.authorizationUrl({ redirectUri, state, codeChallenge, scopes, ...(loginHint !== null && { loginHint }) });
  }

  async redeem(connector: Connector & { settings: MicrosoftSettings }, code: DelegationCode, credentials: CredentialAccess): Promise<DelegatedGrant> {
    return (await this.client(connector.settings, credentials)).redeemAuthorizationCode(code);
  }

  async test(connector: Connector & { settings: MicrosoftSettings }, credentials: CredentialAccess, samples: readonly UserLoginSample[]): Promise<ConnectionReport> {
    const client = await this.client(connector.settings, credentials);
    if (connector.settings.auth !== 'delegated') {
      return checkMicrosoftConnection({ identity: client, endpoints: this.endpoints(connector.settings), fetch: this.outbound.fetch, workloads: connector.workloads });
    }
    // Delegated: the app's own permissions do not matter, each user's grant does.
    const required = delegatedScopesFor(connector.workloads);
    const findings = await checkDelegatedGrants({
      samples,
      credentials,
      required,
      refresh: (refreshToken) => client.refreshDelegated({ refreshToken, scopes: required }),
      covers: (scope, granted) => coverage(scope, granted).covered,
    });
    return reportOf(findings);
  }

  private async client(settings: MicrosoftSettings, credentials: CredentialAccess): Promise<MicrosoftIdentityClient> {
    if (settings.auth === 'admin-consent' && !settings.tenantId) throw new ConnectorStateError('the connector is waiting for admin consent');
    const credential: MicrosoftClientCredential =
      settings.auth === 'admin-consent'
        ? this.installation.credentialFor(settings)
        : settings.auth === 'certificate' && settings.certificate
          ? { kind: 'certificate', certificatePem: settings.certificate.pem, privateKeyPem: await required(credentials, 'certificate-key') }
          : { kind: 'client-secret', secret: await required(credentials, 'client-secret') };
    return new MicrosoftIdentityClient({ tenantId: settings.tenantId, clientId: settings.clientId, credential, endpoints: this.endpoints(settings), fetch: this.outbound.fetch });
  }
}
