/** What a Calendar sync token remembers: which calendar, which invalidation epoch, which change. */
export interface SyncPosition {
  readonly calendarId: string;
  readonly epoch: number;
  readonly seq: number;
}

/** Opaque to clients (Google's look like `CPDAlvWDx...`); the sandbox's carry a position. */
export function encodeSyncToken(p: SyncPosition): string {
  return `CP${Buffer.from(JSON.stringify([p.calendarId, p.epoch, p.seq])).toString('base64url')}`;
}

export function decodeSyncToken(token: string): SyncPosition | undefined {
  if (!token.startsWith('CP')) return undefined;
  try {
    const v: unknown = JSON.parse(Buffer.from(token.slice(2), 'base64url').toString('utf8'));
    if (!Array.isArray(v) || typeof v[0] !== 'string' || typeof v[1] !== 'number' || typeof v[2] !== 'number') return undefined;
    return { calendarId: v[0], epoch: v[1], seq: v[2] };
  } catch {
    return undefined;
  }
}
