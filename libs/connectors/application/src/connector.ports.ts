import type { Connector, ConnectorSettings, SecretMetadata, Violation } from '@ferry/connectors/domain';
import type { ConnectionReport, IssuedToken } from '@ferry/providers/core';

/** A secret to store, in clear only on its way into the vault. */
export interface SecretInput {
  readonly field: string;
  readonly value: string;
  readonly expiresAt: Date | null;
}

/** Work to finish before a change commits, e.g. its audit record: if it throws, the change is rolled back. */
export type BeforeCommit = () => Promise<void>;

/** Connectors and their sealed secrets; implemented in infra. Every method is scoped by organisation. */
export interface ConnectorRepository {
  /** Stores the connector and seals its secrets (bound to org, connector and field) in one transaction. */
  insert(connector: Connector, secrets: readonly SecretInput[], beforeCommit: BeforeCommit): Promise<void>;
  get(orgId: string, id: string): Promise<Connector | null>;
  list(orgId: string): Promise<Connector[]>;
  listByProject(orgId: string, projectTag: string): Promise<Connector[]>;
  /** Replaces the connector row when its version is still `expectedVersion`; false when it changed meanwhile. */
  update(next: Connector, expectedVersion: number, beforeCommit: BeforeCommit): Promise<boolean>;
  /** Deletes the connector and every secret of it; returns how many secrets were deleted (null: no such connector). */
  delete(orgId: string, id: string, beforeCommit: BeforeCommit): Promise<number | null>;
}

/** The credential vault: seals on write, opens on read, never lists a value. */
export interface SecretVault {
  /**
   * Seals and stores (insert or replace) secrets and writes `next` (settings, version, status) in one
   * transaction, if the stored version is still `next.version - 1`; false when it changed meanwhile.
   */
  put(next: Connector, secrets: readonly SecretInput[], beforeCommit: BeforeCommit): Promise<boolean>;
  /** Opens one secret; null when it is not stored. Records its use (at most once a minute). */
  open(connector: Connector, field: string): Promise<string | null>;
  /** Connector-level secrets' metadata (per-user credentials are counted, not listed). */
  metadata(orgId: string, connectorId: string): Promise<SecretMetadata[]>;
  countUserCredentials(orgId: string, connectorId: string): Promise<number>;
  /** How many per-user credentials were stored before `before` (for the age warning). */
  countUserCredentialsOlderThan(orgId: string, connectorId: string, before: Date): Promise<number>;
  /** Up to `limit` per-user credential fields, for a connection test's sample. */
  sampleUserCredentials(orgId: string, connectorId: string, limit: number): Promise<string[]>;
  /**
   * Replaces one secret's value in place (a rotated refresh token) without changing the connector's
   * version, only if it still holds `previous`: a grant renewed meanwhile is never overwritten by a
   * refresh of the old one. False when it changed (or is gone).
   */
  replace(connector: Connector, field: string, value: string, previous: string): Promise<boolean>;
  /**
   * Stores per-user credentials (or, with `replaceAll`, swaps the whole set) in one transaction while
   * the connector exists and is active or credentials-removed (an import revives it: then its
   * version moves on). An active connector's version does not move: one user's credential concerns
   * that user only, so other users' cached tokens stay valid and concurrent grants do not collide.
   * False when the connector is gone or pending consent.
   */
  putUserCredentials(connector: Connector, entries: readonly SecretInput[], replaceAll: boolean, beforeCommit: BeforeCommit): Promise<boolean>;
  /** Deletes every secret of the connectors and marks them credentials-removed, in one transaction. */
  purge(connectors: readonly Connector[], beforeCommit: BeforeCommit): Promise<number>;
}

/** What a provider adapter learns from a draft before it is stored: derived settings, refusals, expiry. */
export interface InspectedCredentials {
  readonly settings: ConnectorSettings;
  readonly violations: readonly Violation[];
  /** An expiry the credential carries itself (a certificate's notAfter). */
  readonly expiresAt: Date | null;
}

/** Checks a connector's settings and primary secret with the provider's rules (key formats, endpoints, SSRF). */
export interface CredentialInspector {
  inspect(settings: ConnectorSettings, secret: string | null): Promise<InspectedCredentials>;
}

/** Keyed, non-reversible fingerprints and pseudonyms: secrets and addresses never appear in clear outside the vault. */
export interface Fingerprinter {
  /** Fingerprint shown to operators instead of a secret. */
  fingerprint(secret: string): string;
  /** Stable pseudonym of a user address (normalised), for vault keys, logs and audit records. */
  pseudonym(address: string): string;
}

export const CONNECTOR_REPOSITORY = Symbol('ConnectorRepository');
export const SECRET_VAULT = Symbol('SecretVault');
export const CREDENTIAL_INSPECTOR = Symbol('CredentialInspector');
export const FINGERPRINTER = Symbol('Fingerprinter');

/** The audit vocabulary of the connectors service (documented in services/connectors/README.md). */
export type ConnectorAuditAction =
  | 'connector.created'
  | 'connector.updated'
  | 'connector.deleted'
  | 'connector.secret.rotated'
  | 'connector.imap_users.imported'
  | 'connector.tested'
  | 'connector.credentials.purged'
  | 'connector.token.issued'
  | 'connector.token.denied'
  | 'connector.imap_login.issued'
  | 'connector.consent.granted'
  | 'connector.delegation.started'
  | 'connector.delegation.granted';

/** An audit record as the use cases describe it; never a secret, a token or an address in clear. */
export interface ConnectorAuditEntry {
  readonly orgId: string;
  readonly actor: { readonly kind: 'account' | 'service' | 'anonymous'; readonly id: string };
  readonly action: ConnectorAuditAction;
  readonly connectorId: string;
  readonly outcome: 'success' | 'failure' | 'denied';
  readonly sourceAddress: string;
  readonly userAgent: string;
  readonly detail?: Readonly<Record<string, string>>;
}

/** Publishes audit records durably; resolves only once the audit stream stored the record. */
export interface ConnectorAuditTrail {
  record(entry: ConnectorAuditEntry): Promise<void>;
}

/** One connector's secrets, as a provider adapter may use them while it holds the connector. */
export interface CredentialAccess {
  open(field: string): Promise<string | null>;
  /** Replaces a secret the provider rotated (a refresh token), if it still holds `previous`. */
  replace(field: string, value: string, previous: string): Promise<boolean>;
}

/** What a token is asked for. */
export interface TokenRequest {
  readonly scopes: readonly string[];
  /** The user to act as (normalised address), or null for the app / the admin user. */
  readonly subject: string | null;
  /** Its pseudonym, the key of a per-user credential. */
  readonly subjectPseudonym: string | null;
}

/** Obtains tokens from the tenant (MSAL client credentials, Google domain-wide delegation, refresh grants). */
export interface TokenSource {
  acquire(connector: Connector, request: TokenRequest, credentials: CredentialAccess): Promise<IssuedToken>;
  /** The scopes `workloads` need on this connector: what a caller may ask for and what a test checks. */
  scopesFor(connector: Connector, workloads: readonly string[]): readonly string[];
}

/** Tests a connector against its tenant. */
export interface ConnectionTester {
  test(connector: Connector, credentials: CredentialAccess, userLogins: readonly UserLoginSample[], sampleMailbox: string | null): Promise<ConnectionReport>;
}

/** A stored per-user credential picked for a connection test: labelled by pseudonym, never by address. */
export interface UserLoginSample {
  readonly label: string;
  readonly field: string;
}

/** Verifies a calling service's assertion. */
export interface ServiceAuthenticator {
  /** @throws ServiceNotAuthenticatedError */
  verify(token: string): Promise<{ readonly service: string }>;
}

export interface Clock {
  now(): Date;
}

export const CONNECTOR_AUDIT_TRAIL = Symbol('ConnectorAuditTrail');
export const TOKEN_SOURCE = Symbol('TokenSource');
export const CONNECTION_TESTER = Symbol('ConnectionTester');
export const SERVICE_AUTHENTICATOR = Symbol('ServiceAuthenticator');
export const CLOCK = Symbol('Clock');
