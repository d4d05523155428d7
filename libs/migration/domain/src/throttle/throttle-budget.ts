/** A request (or quota-unit) rate: `count` per `perSeconds`. */
export interface RateLimit {
  readonly count: number;
  readonly perSeconds: number;
}

/** An upload-bytes rate: `bytes` per `perSeconds`. */
export interface ByteRateLimit {
  readonly bytes: number;
  readonly perSeconds: number;
}

/** What one scope may spend: a rate, a concurrency cap and/or an upload-bytes rate (any subset). */
export interface ScopeBudget {
  readonly rate?: RateLimit;
  readonly concurrent?: number;
  readonly uploadBytes?: ByteRateLimit;
}

/**
 * The scopes a request is charged to. A request to a mailbox is charged to its mailbox (or user)
 * scope and to its tenant/app (or project, or server) scope.
 */
export type ThrottleScopeKind = 'graph.mailbox' | 'graph.tenant' | 'gmail.user' | 'gmail.project' | 'imap.mailbox' | 'imap.server';

export type ThrottleVendor = 'graph' | 'gmail' | 'imap';

/** Per vendor: the narrow (mailbox) scope first, then the wide (tenant/app) one. Narrow first keeps a wide slot from being held while a mailbox waits. */
export const SCOPE_KINDS: Readonly<Record<ThrottleVendor, readonly [ThrottleScopeKind, ThrottleScopeKind]>> = {
  graph: ['graph.mailbox', 'graph.tenant'],
  gmail: ['gmail.user', 'gmail.project'],
  imap: ['imap.mailbox', 'imap.server'],
};

/**
 * The vendors' documented limits (source beside each), which the governor never exceeds; operators
 * lower or raise them per kind. IMAP servers publish no limits: those two are Ferry's defaults.
 */
export const DEFAULT_THROTTLE_BUDGETS: Readonly<Record<ThrottleScopeKind, ScopeBudget>> = {
  // learn.microsoft.com/graph/throttling-limits#outlook-service-limits: per app ID and mailbox,
  // 10,000 requests per 10 minutes, 4 concurrent requests, 150 MB of upload (PATCH, POST, PUT) per
  // 5 minutes. Exchange counts MB as MiB (its "150 MB" message size limit is 153,600 KB).
  'graph.mailbox': { rate: { count: 10_000, perSeconds: 600 }, concurrent: 4, uploadBytes: { bytes: 150 * 1024 * 1024, perSeconds: 300 } },
  // learn.microsoft.com/graph/throttling-limits#global-limits: 130,000 requests per 10 seconds per
  // app across all tenants; Ferry's tenant key is one app in one tenant, so this is an upper bound.
  'graph.tenant': { rate: { count: 130_000, perSeconds: 10 } },
  // developers.google.com/gmail/api/reference/quota: 15,000 quota units per user per minute
  // (userRateLimitExceeded); method costs (messages.import 25, messages.get 5, ...) come as `units`.
  'gmail.user': { rate: { count: 15_000, perSeconds: 60 } },
  // Same page: 1,200,000 quota units per minute per project (rateLimitExceeded). A project with a
  // lower quota in its console must be configured.
  'gmail.project': { rate: { count: 1_200_000, perSeconds: 60 } },
  // Dovecot's mail_max_userip_connections defaults to 10 and Gmail allows 15 IMAP connections per
  // account; 4 concurrent commands per mailbox stays well inside both.
  'imap.mailbox': { concurrent: 4 },
  // A whole server (one IMAP connector): a cap an operator tunes to what the server tolerates.
  'imap.server': { concurrent: 32, rate: { count: 6_000, perSeconds: 60 } },
};

/** Throws when a budget cannot be enforced (non-positive or non-finite numbers). */
export function assertValidBudget(kind: string, budget: ScopeBudget): void {
  const positive = (n: number) => Number.isFinite(n) && n > 0;
  if (budget.rate && !(positive(budget.rate.count) && positive(budget.rate.perSeconds))) {
    throw new Error(`throttle budget ${kind}: rate needs a positive count and period`);
  }
  if (budget.uploadBytes && !(positive(budget.uploadBytes.bytes) && positive(budget.uploadBytes.perSeconds))) {
    throw new Error(`throttle budget ${kind}: uploadBytes needs positive bytes and period`);
  }
  if (budget.concurrent !== undefined && !(Number.isInteger(budget.concurrent) && budget.concurrent > 0)) {
    throw new Error(`throttle budget ${kind}: concurrent must be a positive integer`);
  }
}
