import {
  type ConnectionTester,
  type CredentialAccess,
  type CredentialInspector,
  ConnectorStateError,
  type DelegationProvider,
  type InspectedCredentials,
  type TokenRequest,
  type TokenSource,
  type UserLoginSample,
} from '@ferry/connectors/application';
import type { Connector, ConnectorSettings } from '@ferry/connectors/domain';
import type { ConnectionReport, DelegatedGrant, IssuedToken } from '@ferry/providers/core';
import type { GoogleTenant } from './google.tenant';
import type { ImapTenant } from './imap.tenant';
import type { MicrosoftTenant } from './microsoft.tenant';
import type { DelegatingTenant, TenantAdapter } from './tenant.adapter';

/** The connectors' ports over the three tenant adapters, chosen by connector kind. */
export class TenantAdapters implements CredentialInspector, TokenSource, ConnectionTester, DelegationProvider {
  constructor(
    private readonly adapters: { microsoft: MicrosoftTenant; google: GoogleTenant; imap: ImapTenant },
    /** The redirect URI of delegated grants (registered with each OAuth app); null: grants are not offered. */
    private readonly delegationRedirectUri: string | null = null,
  ) {}

  private of(settings: ConnectorSettings): TenantAdapter {
    switch (settings.kind) {
      case 'microsoft-365':
        return this.adapters.microsoft;
      case 'google-workspace':
        return this.adapters.google;
      case 'imap':
        return this.adapters.imap;
    }
  }

  inspect(settings: ConnectorSettings, secret: string | null): Promise<InspectedCredentials> {
    return this.of(settings).inspect(settings, secret);
  }

  acquire(connector: Connector, request: TokenRequest, credentials: CredentialAccess): Promise<IssuedToken> {
    return this.of(connector.settings).acquire(connector, request, credentials);
  }

  scopesFor(connector: Connector, workloads: readonly string[]): readonly string[] {
    return this.of(connector.settings).scopesFor(connector.settings, workloads);
  }

  test(connector: Connector, credentials: CredentialAccess, samples: readonly UserLoginSample[], sampleMailbox: string | null): Promise<ConnectionReport> {
    return this.of(connector.settings).test(connector, credentials, samples, sampleMailbox);
  }

  authorizationUrl(
    connector: Connector,
    request: { state: string; codeChallenge: string; scopes: readonly string[]; loginHint: string | null },
    credentials: CredentialAccess,
  ): Promise<string> {
    return this.delegating(connector).authorizationUrl(connector, { ...request, redirectUri: this.redirectUri() }, credentials);
  }

  redeem(connector: Connector, request: { code: string; codeVerifier: string; scopes: readonly string[] }, credentials: CredentialAccess): Promise<DelegatedGrant> {
    return this.delegating(connector).redeem(connector, { ...request, redirectUri: this.redirectUri() }, credentials);
  }

  private delegating(connector: Connector): DelegatingTenant {
    switch (connector.settings.kind) {
      case 'microsoft-365':
        return this.adapters.microsoft;
      case 'google-workspace':
        return this.adapters.google;
      case 'imap':
        throw new ConnectorStateError('IMAP connectors take no OAuth grants');
    }
  }

  private redirectUri(): string {
    if (this.delegationRedirectUri === null) throw new ConnectorStateError('delegated grants are not configured on this installation: set FERRY_CONNECTORS_CALLBACK_URL');
    return this.delegationRedirectUri;
  }
}
