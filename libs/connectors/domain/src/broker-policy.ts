import type { ConnectorKindName } from './connector-settings';
import type { ConnectorWorkload } from './workloads';

/** What one Ferry service may ask the token broker for. Anything not listed is refused. */
export interface BrokerGrant {
  /** Workloads whose scopes it may request tokens for. */
  readonly workloads: readonly ConnectorWorkload[];
  /** Connector kinds it may use. */
  readonly kinds: readonly ConnectorKindName[];
  /** Whether it may receive IMAP logins (the one secret that leaves the connectors service). */
  readonly imapLogin: boolean;
}

/**
 * Least privilege per calling service: migration workers move every workload and read IMAP sources;
 * free/busy reads availability (and the directory, to resolve users); the mail router sends mail.
 */
export const BROKER_POLICY: Readonly<Record<string, BrokerGrant>> = {
  migration: { workloads: ['mail', 'calendar', 'contacts', 'files', 'directory'], kinds: ['microsoft-365', 'google-workspace', 'imap'], imapLogin: true },
  freebusy: { workloads: ['freebusy', 'directory'], kinds: ['microsoft-365', 'google-workspace'], imapLogin: false },
  mailrouting: { workloads: ['mail', 'directory'], kinds: ['microsoft-365', 'google-workspace'], imapLogin: false },
};

/** The grant of `service`, or undefined: own properties only, so `__proto__` grants nothing. */
export function brokerGrantOf(service: string): BrokerGrant | undefined {
  return Object.hasOwn(BROKER_POLICY, service) ? BROKER_POLICY[service] : undefined;
}
