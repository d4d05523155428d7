/**
 * A throttling scope: the budgets a request is charged against. Keys are pseudonymous (connector id,
 * mailbox pseudonym), so the shared store holds no address.
 */
export interface ThrottleScope {
  /** Which vendor limits apply: `graph.mailbox`, `gmail.user`, `imap.server`, ... */
  readonly vendor: 'graph' | 'gmail' | 'imap';
  /** App + tenant (the connector id). */
  readonly tenantKey: string;
  /** The mailbox (its pseudonym). */
  readonly mailboxKey: string;
}

/** What a request costs: one request, and bytes for uploads (Graph's 150 MB per 5 minutes). */
export interface RequestCost {
  readonly requests?: number;
  readonly uploadBytes?: number;
  /** Vendor-specific units (Gmail quota units); defaults to `requests`. */
  readonly units?: number;
}

/** How a request ended, so the governor can adapt. */
export type RequestOutcome =
  | { readonly kind: 'ok' }
  | { readonly kind: 'throttled'; readonly retryAfterMs: number | null }
  | { readonly kind: 'failed' };

/** Permission to send one request; release it exactly once with the outcome. */
export interface ThrottlePermit {
  release(outcome: RequestOutcome): void;
}

/**
 * Shared by every worker (state in NATS KV): budgets per mailbox and per tenant/app, Retry-After
 * honoured for everyone, concurrency adapted (AIMD) to stay just under the limits.
 */
export interface ThrottleGovernor {
  /** Waits until the request may be sent; rejects only when `signal` aborts. */
  acquire(scope: ThrottleScope, cost: RequestCost, signal: AbortSignal): Promise<ThrottlePermit>;
}
