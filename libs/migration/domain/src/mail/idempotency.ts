import { createHash } from 'node:crypto';

/**
 * The key a target carries on each copy so that a copy made before a crash is found again instead of
 * made twice. Derived from ids only (never content or addresses), stable across passes and workers,
 * short enough for a Graph extended property, a MIME header or an IMAP keyword.
 */
export function idempotencyKey(projectId: string, mappingId: string, sourceId: string): string {
  const digest = createHash('sha256').update(`${projectId}\u0000${mappingId}\u0000${sourceId}`).digest('base64url');
  return `fy1-${digest.slice(0, 32)}`;
}

/** True for a string shaped like `idempotencyKey` output (input checks on read-back). */
export function isIdempotencyKey(value: string): boolean {
  return /^fy1-[A-Za-z0-9_-]{32}$/.test(value);
}
