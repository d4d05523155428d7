/** Query page bounds. */
export const AUDIT_PAGE_DEFAULT = 100;
export const AUDIT_PAGE_MAX = 500;

/** Opaque paging cursor: the chain sequence to continue below, encoded so clients do not build it. */
export function encodeCursor(sequence: bigint): string {
  return Buffer.from(`s:${sequence.toString()}`, 'utf8').toString('base64url');
}

/** Decodes a cursor; undefined for an empty one. Throws on anything malformed. */
export function decodeCursor(cursor: string): bigint | undefined {
  if (cursor === '') return undefined;
  if (cursor.length > 64) throw new Error('cursor is malformed');
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const match = /^s:([1-9][0-9]{0,18})$/.exec(text);
  if (!match?.[1]) throw new Error('cursor is malformed');
  return BigInt(match[1]);
}

/** Clamps a requested page size; 0 means the default. */
export function pageSize(requested: number): number {
  if (!Number.isInteger(requested) || requested < 0) throw new Error('limit must be a non-negative integer');
  if (requested === 0) return AUDIT_PAGE_DEFAULT;
  if (requested > AUDIT_PAGE_MAX) throw new Error(`limit must be at most ${AUDIT_PAGE_MAX}`);
  return requested;
}
