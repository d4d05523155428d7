/** One budget: a request (or quota-unit) rate, a concurrency cap, and/or an upload-bytes rate. */
export interface LimitSpec {
  /** `count` requests or quota units per `perSeconds`, as a token bucket that starts full. */
  readonly rate?: { readonly count: number; readonly perSeconds: number };
  readonly concurrent?: number;
  readonly uploadBytes?: { readonly bytes: number; readonly perSeconds: number };
}

/**
 * The vendors' published limits. Each number's source is beside it; scenarios and the inspection
 * API override any of them per tenant, app or user.
 */
export const DEFAULT_LIMITS = {
  // learn.microsoft.com/graph/throttling-limits#outlook-service-limits: per app ID and mailbox
  // combination, 10,000 API requests in a 10-minute period, 4 concurrent requests, and 150
  // megabytes of upload (PATCH, POST, PUT) in a 5-minute period.
  'graph.mailbox': { rate: { count: 10_000, perSeconds: 600 }, concurrent: 4, uploadBytes: { bytes: 150 * 1024 * 1024, perSeconds: 300 } },
  // learn.microsoft.com/graph/throttling-limits#global-limits: 130,000 requests per 10 seconds per
  // app across all tenants.
  'graph.app': { rate: { count: 130_000, perSeconds: 10 } },
  // learn.microsoft.com/graph/throttling-limits (identity and access / directory): applications get
  // a resource-unit budget per tenant; the sandbox counts requests (simplified: 3,500 per 10 s,
  // the "L" tenant size budget for an app in a tenant).
  'graph.directory': { rate: { count: 3_500, perSeconds: 10 } },
  // learn.microsoft.com/sharepoint/dev/general-development/how-to-avoid-getting-throttled-or-blocked-in-sharepoint-online:
  // 1,200 resource units per minute per app per tenant for the smallest tenant size; the sandbox
  // charges one unit per request (a simplification: the real service weighs calls 1-5 units).
  'graph.drive': { rate: { count: 1_200, perSeconds: 60 } },
  // developers.google.com/gmail/api/reference/quota: 15,000 quota units per user per minute
  // (exceeded reason userRateLimitExceeded; the page used to state it as 250 per user per second)
  // and 1,200,000 quota units per minute per project (rateLimitExceeded).
  'gmail.user': { rate: { count: 15_000, perSeconds: 60 } },
  'gmail.project': { rate: { count: 1_200_000, perSeconds: 60 } },
  // developers.google.com/workspace/drive/api/guides/limits: 12,000 queries per 60 seconds per
  // project and 12,000 per 60 seconds per user.
  'drive.user': { rate: { count: 12_000, perSeconds: 60 } },
  'drive.project': { rate: { count: 12_000, perSeconds: 60 } },
  // developers.google.com/workspace/calendar/api/guides/quota: quotas are per minute per project
  // and per minute per user; the console default is 600 queries per minute per user and 10,000
  // per minute per project.
  'calendar.user': { rate: { count: 600, perSeconds: 60 } },
  'calendar.project': { rate: { count: 10_000, perSeconds: 60 } },
  // developers.google.com/workspace/admin/directory/v1/limits: 2,400 queries per minute per user
  // per project.
  'directory.user': { rate: { count: 2_400, perSeconds: 60 } },
  // developers.google.com/people/v1/quota: 90 read requests per minute per user ("critical read").
  'people.user': { rate: { count: 90, perSeconds: 60 } },
} as const satisfies Record<string, LimitSpec>;

export type LimitName = keyof typeof DEFAULT_LIMITS;
export const LIMIT_NAMES = Object.keys(DEFAULT_LIMITS) as LimitName[];

/** An override of one limit for a tenant, app (client id) and/or user; the most specific wins. */
export interface LimitOverride {
  readonly limit: LimitName;
  readonly tenant?: string;
  readonly app?: string;
  readonly user?: string;
  readonly spec: LimitSpec;
}
