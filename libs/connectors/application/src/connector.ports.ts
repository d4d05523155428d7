import type { Connector } from '@ferry/connectors/domain';

/** Where connectors and their sealed secrets are stored; implemented in infra. */
export interface ConnectorRepository {
  /** Seals `secret` bound to the new row's identity and stores both in one write. */
  insertWithSecret(connector: Connector, secret: string): Promise<void>;
  /** Removes a connector created moments ago whose audit record could not be written. */
  remove(orgId: string, id: string): Promise<void>;
  listByOrg(orgId: string): Promise<Connector[]>;
}

/** Computes the non-reversible fingerprint shown to operators instead of a secret. */
export interface SecretFingerprinter {
  fingerprint(secret: string): string;
}

/** A configuration-change audit record, as the use cases describe it. */
export interface ConnectorAuditEntry {
  readonly orgId: string;
  readonly actorId: string;
  readonly action: 'connector.created';
  readonly connectorId: string;
  readonly sourceAddress: string;
  readonly userAgent: string;
}

/** Publishes audit records durably; resolves only once the audit stream has stored the record. */
export interface ConnectorAuditTrail {
  record(entry: ConnectorAuditEntry): Promise<void>;
}

export const CONNECTOR_REPOSITORY = Symbol('ConnectorRepository');
export const SECRET_FINGERPRINTER = Symbol('SecretFingerprinter');
export const CONNECTOR_AUDIT_TRAIL = Symbol('ConnectorAuditTrail');
