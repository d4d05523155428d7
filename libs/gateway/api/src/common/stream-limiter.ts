/**
 * Counts open live streams per organisation and refuses past a bound, so one tenant's dashboards
 * cannot hold every connection (or every poll of the migration service) of the gateway.
 */
export class StreamLimiter {
  private readonly open = new Map<string, number>();

  constructor(readonly maxPerOrg: number) {}

  /** A release function when a slot was free (call it exactly once), else null. */
  acquire(orgId: string): (() => void) | null {
    const count = this.open.get(orgId) ?? 0;
    if (count >= this.maxPerOrg) return null;
    this.open.set(orgId, count + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.open.get(orgId) ?? 1) - 1;
      if (left <= 0) this.open.delete(orgId);
      else this.open.set(orgId, left);
    };
  }

  /** Streams open for an organisation. */
  count(orgId: string): number {
    return this.open.get(orgId) ?? 0;
  }
}
