import type { ThrottleScope } from '@ferry/migration/application';

type Vendor = ThrottleScope['vendor'];

/**
 * What the governor reports, for the worker to export (Prometheus): how long requests waited for a
 * permit, throttled answers, and requests in flight. Labels are the vendor only: no scope, no mailbox.
 */
export interface ThrottleMetrics {
  /** A permit was granted after waiting `ms` (0 when it was granted at once). */
  onWait(vendor: Vendor, ms: number): void;
  /** A request was answered "throttled" (429, or the vendor's rate-limit reason). */
  onThrottled(vendor: Vendor): void;
  /** Requests of this vendor this worker has in flight now (a gauge). */
  setInFlight(vendor: Vendor, inFlight: number): void;
  /** One operation on the shared store (optional: for the KV cost per request). */
  onStoreOp?(op: ThrottleStoreOp): void;
}

export type ThrottleStoreOp = 'read' | 'write' | 'conflict' | 'error';

export const NO_THROTTLE_METRICS: ThrottleMetrics = { onWait: () => undefined, onThrottled: () => undefined, setInFlight: () => undefined };
