import type {
  ConnectionTester,
  CredentialAccess,
  CredentialInspector,
  InspectedCredentials,
  TokenRequest,
  TokenSource,
  UserLoginSample,
} from '@ferry/connectors/application';
import type { Connector, ConnectorSettings } from '@ferry/connectors/domain';
import type { ConnectionReport, IssuedToken } from '@ferry/providers/core';
import type { GoogleTenant } from './google.tenant';
import type { ImapTenant } from './imap.tenant';
import type { MicrosoftTenant } from './microsoft.tenant';
import type { TenantAdapter } from './tenant.adapter';

/** The connectors' ports over the three tenant adapters, chosen by connector kind. */
export class TenantAdapters implements CredentialInspector, TokenSource, ConnectionTester {
  constructor(private readonly adapters: { microsoft: MicrosoftTenant; google: GoogleTenant; imap: ImapTenant }) {}

  private of(settings: ConnectorSettings): TenantAdapter {
    switch (settings.kind) {
      case 'microsoft-365':
        return this.adapters.microsoft as TenantAdapter;
      case 'google-workspace':
        return this.adapters.google as TenantAdapter;
      case 'imap':
        return this.adapters.imap as TenantAdapter;
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
}
