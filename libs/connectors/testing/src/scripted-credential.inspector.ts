import type { CredentialInspector, InspectedCredentials } from '@ferry/connectors/application';
import type { ConnectorSettings, Violation } from '@ferry/connectors/domain';

/**
 * A CredentialInspector that accepts what it is given unless a test scripts refusals. Like the real
 * one it derives a certificate's thumbprint and expiry, here as fixed values.
 */
export class ScriptedCredentialInspector implements CredentialInspector {
  readonly calls: { settings: ConnectorSettings; secret: string | null }[] = [];
  violations: Violation[] = [];
  /** The expiry the credential carries itself (a certificate's notAfter). */
  expiresAt: Date | null = null;

  async inspect(settings: ConnectorSettings, secret: string | null): Promise<InspectedCredentials> {
    this.calls.push({ settings, secret });
    const derived: ConnectorSettings =
      settings.kind === 'microsoft-365' && settings.certificate
        ? {
            ...settings,
            certificate: {
              ...settings.certificate,
              thumbprintSha256: 'c'.repeat(64),
              notAfter: (this.expiresAt ?? new Date(0)).toISOString(),
            },
          }
        : settings;
    return { settings: derived, violations: [...this.violations], expiresAt: this.expiresAt };
  }
}
