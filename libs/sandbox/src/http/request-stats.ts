/** Per-operation counters for the inspection API: requests, statuses, latency, aborted responses. */
export interface OperationStats {
  requests: number;
  byStatus: Record<string, number>;
  totalMs: number;
  maxMs: number;
  aborted: number;
}

export class RequestStats {
  private readonly ops = new Map<string, OperationStats>();

  record(operation: string, status: number, ms: number, finished: boolean): void {
    const s = this.ops.get(operation) ?? { requests: 0, byStatus: {}, totalMs: 0, maxMs: 0, aborted: 0 };
    s.requests += 1;
    s.byStatus[String(status)] = (s.byStatus[String(status)] ?? 0) + 1;
    s.totalMs += ms;
    s.maxMs = Math.max(s.maxMs, ms);
    if (!finished) s.aborted += 1;
    this.ops.set(operation, s);
  }

  snapshot(): Record<string, OperationStats & { meanMs: number }> {
    const out: Record<string, OperationStats & { meanMs: number }> = {};
    for (const [op, s] of this.ops) out[op] = { ...s, byStatus: { ...s.byStatus }, meanMs: s.requests ? s.totalMs / s.requests : 0 };
    return out;
  }

  reset(): void {
    this.ops.clear();
  }
}
