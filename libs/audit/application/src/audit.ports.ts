import type { AuditEventSummary } from '@ferry/audit/domain';

/** One stored record: the summary plus the event exactly as published (protobuf bytes). */
export interface StoredAuditRecord {
  readonly summary: AuditEventSummary;
  readonly sequence: bigint;
  readonly encoded: Uint8Array;
}

/** The append-only audit store, implemented in infra. */
export interface AuditStore {
  /**
   * Appends once: an event id seen before is not stored again (redeliveries collapse).
   * Returns the record's position in its organisation's chain.
   */
  append(summary: AuditEventSummary, encoded: Uint8Array): Promise<{ sequence: bigint; duplicate: boolean }>;
  /** Newest first, strictly below `before` when given. */
  page(orgId: string, limit: number, before: bigint | undefined): Promise<StoredAuditRecord[]>;
}

export const AUDIT_STORE = Symbol('AuditStore');
