import { type AuditViolation, pageSize } from '@ferry/audit/domain';
import type { StoredAuditRecord } from './audit.ports';

/**
 * Stored bytes one page may carry: a page travels as one NATS reply, and NATS refuses messages over
 * 1 MiB (its default max_payload). Events are small; a page of large ones is cut short (at least one
 * record), and the cursor continues after the last record sent.
 */
export const AUDIT_PAGE_MAX_BYTES = 512 * 1024;

/** Raised for a malformed query (bad limit, cursor or filter); `violations` names every bad field. */
export class InvalidAuditQueryError extends Error {
  readonly violations: readonly AuditViolation[];

  constructor(
    readonly field: string,
    reason: string,
    violations?: readonly AuditViolation[],
  ) {
    super(violations && violations.length > 1 ? violations.map((v) => `${v.field}: ${v.reason}`).join('; ') : reason);
    this.name = 'InvalidAuditQueryError';
    this.violations = violations ?? [{ field, reason }];
  }
}

/** A requested page size, as a query error naming the limit. */
export function sizeOf(limit: number): number {
  try {
    return pageSize(limit);
  } catch (err) {
    throw new InvalidAuditQueryError('limit', (err as Error).message);
  }
}

/**
 * The page out of up to `size + 1` records read: at most `size`, and no more stored bytes than
 * AUDIT_PAGE_MAX_BYTES (always at least one record). `more` says whether records remain after it.
 */
export function pageOf(records: readonly StoredAuditRecord[], size: number): { records: StoredAuditRecord[]; more: boolean } {
  const page: StoredAuditRecord[] = [];
  let bytes = 0;
  for (const r of records.slice(0, size)) {
    if (page.length > 0 && bytes + r.encoded.byteLength > AUDIT_PAGE_MAX_BYTES) break;
    bytes += r.encoded.byteLength;
    page.push(r);
  }
  return { records: page, more: page.length < records.length };
}
