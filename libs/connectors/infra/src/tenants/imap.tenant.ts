import type { CredentialAccess, InspectedCredentials, TokenRequest, UserLoginSample } from '@ferry/connectors/application';
import type { Connector, ImapSettings, Violation } from '@ferry/connectors/domain';
import { type ConnectionReport, type IssuedToken, ProviderError } from '@ferry/providers/core';
import { checkImapConnection, type ImapEndpoint, type LabelledImapLogin, masterUserLogin, validateImapEndpoint } from '@ferry/providers/imap';
import { destinationViolation, type Outbound } from './outbound';
import { parseStoredCredential, required, type TenantAdapter } from './tenant.adapter';

/** An IMAP source server: no tokens (the broker issues logins), a connection test of TLS, capabilities and logins. */
export class ImapTenant implements TenantAdapter<ImapSettings> {
  constructor(private readonly outbound: Outbound) {}

  async inspect(settings: ImapSettings, _secret: string | null): Promise<InspectedCredentials> {
    const violations: Violation[] = [];
    try {
      endpointOf(settings);
      violations.push(...(await destinationViolation(this.outbound.policy, 'imap.host', settings.host)));
    } catch (err) {
      if (!(err instanceof ProviderError)) throw err;
      violations.push({ field: 'imap', reason: err.message });
    }
    return { settings, violations, expiresAt: null };
  }

  async acquire(_connector: Connector & { settings: ImapSettings }, _request: TokenRequest, _credentials: CredentialAccess): Promise<IssuedToken> {
    throw new ProviderError('invalid-input', 'IMAP connectors issue logins, not tokens');
  }

  scopesFor(): readonly string[] {
    return [];
  }

  async test(connector: Connector & { settings: ImapSettings }, credentials: CredentialAccess, samples: readonly UserLoginSample[], sampleMailbox: string | null): Promise<ConnectionReport> {
    const s = connector.settings;
    const logins: LabelledImapLogin[] = [];
    if (s.auth === 'master-user') {
      if (sampleMailbox) logins.push({ label: 'master-user', login: masterUserLogin(sampleMailbox, s.masterUser ?? '', await required(credentials, 'master-password'), s.masterSeparator ?? '*') });
    } else {
      for (const sample of samples) {
        const stored = parseStoredCredential(await required(credentials, sample.field), ['username', 'password']);
        logins.push({ label: sample.label, login: stored });
      }
    }
    if (logins.length > 0) return checkImapConnection({ endpoint: endpointOf(s), logins, policy: this.outbound.policy });
    // The server's capabilities are read after a login: with nothing to log in with, say what is missing.
    const finding =
      s.auth === 'master-user'
        ? { check: 'login:master-user', status: 'missing' as const, detail: 'the master-user login was not tried: no mailbox to open', remedy: 'run the test again naming a mailbox (sampleMailbox)' }
        : { check: 'login', status: 'missing' as const, detail: 'no user credentials are stored', remedy: 'import the users CSV (address,username,password)' };
    return { ok: false, findings: [finding] };
  }
}

function endpointOf(s: ImapSettings): ImapEndpoint {
  return validateImapEndpoint({ host: s.host, port: s.port, security: s.security, ...(s.caCertificatePem && { ca: s.caCertificatePem }) });
}
