import { createHash } from 'node:crypto';

/** Query page bounds. */
export const AUDIT_PAGE_DEFAULT = 100;
export const AUDIT_PAGE_MAX = 500;

/** The longest cursor accepted (an issued one is about 50 characters). */
const MAX_CURSOR_LENGTH = 64;
const CURSOR = /^c1\.([1-9][0-9]{0,18})\.([0-9a-f]{16})$/;

/** Why a cursor was refused: it does not decode, or it was issued for another query. */
export class InvalidCursorError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'InvalidCursorError';
  }
}

/** The first 64 bits of SHA-256 over a query's scope: enough to tell two queries' cursors apart. */
function scopeDigest(scope: string): string {
  return createHash('sha256').update(scope, 'utf8').digest('hex').slice(0, 16);
}

/**
 * Opaque paging cursor: the chain sequence to continue from, bound to `scope` (the organisation and
 * the query's filter, or the session), so a cursor reused with another filter is refused rather than
 * silently paging a different result.
 */
export function encodeCursor(sequence: bigint, scope: string): string {
  return Buffer.from(`c1.${sequence.toString()}.${scopeDigest(scope)}`, 'utf8').toString('base64url');
}

/**
 * Decodes a cursor issued for `scope`; undefined for an empty one.
 * @throws InvalidCursorError when it is malformed or was issued for another scope.
 */
export function decodeCursor(cursor: string, scope: string): bigint | undefined {
  if (cursor === '') return undefined;
  if (cursor.length > MAX_CURSOR_LENGTH) throw new InvalidCursorError('cursor is malformed');
  const match = CURSOR.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match?.[1] || !match[2]) throw new InvalidCursorError('cursor is malformed');
  if (match[2] !== scopeDigest(scope)) throw new InvalidCursorError('cursor belongs to another query: page with the filters it was issued for, or start again without it');
  return BigInt(match[1]);
}

/** Clamps a requested page size; 0 means the default. */
export function pageSize(requested: number): number {
  if (!Number.isInteger(requested) || requested < 0) throw new Error('limit must be a non-negative integer');
  if (requested === 0) return AUDIT_PAGE_DEFAULT;
  if (requested > AUDIT_PAGE_MAX) throw new Error(`limit must be at most ${AUDIT_PAGE_MAX}`);
  return requested;
}
