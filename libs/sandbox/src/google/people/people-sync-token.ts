/** Where a People sync token stands: the invalidation epoch, the change, and when the full sync ran. */
export interface PeopleSyncPosition {
  readonly epoch: number;
  readonly seq: number;
  readonly fullSyncMs: number;
}

/** The reference: "Sync tokens expire 7 days after the full sync." */
export const SYNC_TOKEN_LIFETIME_MS = 7 * 86_400_000;

export function encodePeopleSyncToken(p: PeopleSyncPosition): string {
  return `^${Buffer.from(JSON.stringify([p.epoch, p.seq, p.fullSyncMs])).toString('base64url')}`;
}

export function decodePeopleSyncToken(token: string): PeopleSyncPosition | undefined {
  if (!token.startsWith('^')) return undefined;
  try {
    const v: unknown = JSON.parse(Buffer.from(token.slice(1), 'base64url').toString('utf8'));
    if (!Array.isArray(v) || v.length !== 3 || v.some((n) => typeof n !== 'number')) return undefined;
    return { epoch: v[0] as number, seq: v[1] as number, fullSyncMs: v[2] as number };
  } catch {
    return undefined;
  }
}
