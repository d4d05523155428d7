import { Inject, Injectable } from '@nestjs/common';
import { type ImapSettings, userCredentialField } from '@ferry/connectors/domain';
import { AuditUnavailableError, BrokerDeniedError, ConnectorStateError, InvalidCommandError } from '../connectors.errors';
import {
  CONNECTOR_AUDIT_TRAIL,
  CONNECTOR_REPOSITORY,
  type ConnectorAuditTrail,
  type ConnectorRepository,
  FINGERPRINTER,
  type Fingerprinter,
  SECRET_VAULT,
  SERVICE_AUTHENTICATOR,
  type SecretVault,
  type ServiceAuthenticator,
} from '../connector.ports';
import { admit, serviceEntry } from './broker-request';

export interface ImapLogin {
  readonly server: ImapSettings;
  readonly username: string;
  readonly password: string;
  readonly connectorVersion: number;
}

/**
 * Hands one mailbox's IMAP login to a service allowed IMAP access. IMAP servers that take LOGIN or
 * AUTHENTICATE PLAIN need the password from whoever opens the connection, so this is the one secret
 * that leaves the connectors service; every handover is audited first (no audit, no login).
 */
@Injectable()
export class IssueImapLoginUseCase {
  constructor(
    @Inject(SERVICE_AUTHENTICATOR) private readonly authenticator: ServiceAuthenticator,
    @Inject(CONNECTOR_REPOSITORY) private readonly connectors: ConnectorRepository,
    @Inject(SECRET_VAULT) private readonly vault: SecretVault,
    @Inject(FINGERPRINTER) private readonly fingerprinter: Fingerprinter,
    @Inject(CONNECTOR_AUDIT_TRAIL) private readonly audit: ConnectorAuditTrail,
  ) {}

  async execute(input: { serviceToken: string; orgId: string; connectorId: string; subject: string }): Promise<ImapLogin> {
    const { service, connector, subject } = await admit({ authenticator: this.authenticator, connectors: this.connectors, audit: this.audit }, input, 'imap-login');
    if (connector.settings.kind !== 'imap') throw new BrokerDeniedError('only IMAP connectors issue logins');
    if (!subject) throw new InvalidCommandError([{ field: 'subject', reason: 'the mailbox address is required' }]);
    const settings = connector.settings;
    const pseudonym = this.fingerprinter.pseudonym(subject);
    let username: string;
    let password: string;
    if (settings.auth === 'master-user') {
      const master = await this.vault.open(connector, 'master-password');
      if (master === null) throw new ConnectorStateError('the master password is not stored');
      username = `${subject}${settings.masterSeparator ?? '*'}${settings.masterUser ?? ''}`;
      password = master;
    } else {
      const stored = await this.vault.open(connector, userCredentialField(pseudonym));
      if (stored === null) throw new ConnectorStateError('no credential is stored for this mailbox');
      const login = storedLogin(stored);
      if (!login) throw new ConnectorStateError('the credential stored for this mailbox is unreadable; import it again');
      ({ username, password } = login);
    }
    await this.audit
      .record(serviceEntry(service, connector, 'connector.imap_login.issued', 'success', { subject: pseudonym, auth: settings.auth }))
      .catch(() => {
        throw new AuditUnavailableError('the audit trail is unavailable; no login was issued');
      });
    return { server: settings, username, password, connectorVersion: connector.version };
  }
}

/** The sealed `{ username, password }` of one mailbox, or null. JSON.parse's own errors quote their input: never rethrown. */
function storedLogin(stored: string): { username: string; password: string } | null {
  let value: unknown;
  try {
    value = JSON.parse(stored);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const { username, password } = value as Record<string, unknown>;
  return typeof username === 'string' && typeof password === 'string' && username !== '' && password !== '' ? { username, password } : null;
}
