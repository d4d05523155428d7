import { type BrokerGrant, brokerGrantOf, type Connector, UUID_PATTERN } from '@ferry/connectors/domain';
import { BrokerDeniedError, ConnectorNotFoundError, ConnectorStateError, InvalidCommandError, ServiceNotAuthenticatedError } from '../connectors.errors';
import type { ConnectorAuditEntry, ConnectorAuditTrail, ConnectorRepository, ServiceAuthenticator } from '../connector.ports';

/** No whitespace or control characters: a subject ends up in JWT `sub` claims and IMAP LOGIN commands. */
const ADDRESS = /^[^\s@\p{Cc}]{1,64}@[^\s@\p{Cc}]{1,189}$/u;

/** A broker request after the caller proved who it is and the connector was found in its organisation. */
export interface AdmittedRequest {
  readonly service: string;
  readonly grant: BrokerGrant;
  readonly connector: Connector;
  /** Normalised address to act as, or null. */
  readonly subject: string | null;
}

/** The steps every broker request takes first: service identity, policy, ids, connector, status. */
export async function admit(
  deps: { authenticator: ServiceAuthenticator; connectors: ConnectorRepository; audit: ConnectorAuditTrail },
  input: { serviceToken: string; orgId: string; connectorId: string; subject: string },
  purpose: 'token' | 'imap-login',
): Promise<AdmittedRequest> {
  let service: string;
  try {
    ({ service } = await deps.authenticator.verify(input.serviceToken));
  } catch {
    throw new ServiceNotAuthenticatedError('the service assertion is missing, expired or not trusted');
  }
  const grant = brokerGrantOf(service);
  if (!grant) throw new BrokerDeniedError(`service ${service} may not use the broker`);
  if (!UUID_PATTERN.test(input.orgId) || !UUID_PATTERN.test(input.connectorId)) {
    throw new InvalidCommandError([{ field: 'orgId/connectorId', reason: 'must be UUIDs' }]);
  }
  const subject = input.subject.trim().toLowerCase();
  if (subject !== '' && (!ADDRESS.test(subject) || subject.length > 254)) throw new InvalidCommandError([{ field: 'subject', reason: 'must be a mail address' }]);
  const orgId = input.orgId.toLowerCase();
  const connector = await deps.connectors.get(orgId, input.connectorId.toLowerCase());
  if (!connector) throw new ConnectorNotFoundError();
  const deny = async (reason: string): Promise<never> => {
    await deps.audit.record(serviceEntry(service, connector, 'connector.token.denied', 'denied', { reason })).catch(() => undefined);
    throw new BrokerDeniedError(reason);
  };
  if (!grant.kinds.includes(connector.kind)) await deny(`service ${service} may not use ${connector.kind} connectors`);
  if (purpose === 'token' && connector.kind === 'imap') await deny('IMAP connectors issue logins, not tokens');
  if (purpose === 'imap-login' && connector.kind !== 'imap') await deny('only IMAP connectors issue logins');
  if (purpose === 'imap-login' && !grant.imapLogin) await deny(`service ${service} may not receive IMAP logins`);
  if (connector.status !== 'active') throw new ConnectorStateError(`the connector is ${connector.status}`);
  return { service, grant, connector, subject: subject === '' ? null : subject };
}

/** An audit record of a service acting on a connector. */
export function serviceEntry(
  service: string,
  connector: Connector,
  action: ConnectorAuditEntry['action'],
  outcome: ConnectorAuditEntry['outcome'],
  detail: Record<string, string>,
): ConnectorAuditEntry {
  return { orgId: connector.orgId, actor: { kind: 'service', id: service }, action, connectorId: connector.id, outcome, sourceAddress: '', userAgent: '', detail };
}
