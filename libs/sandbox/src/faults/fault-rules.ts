import { z } from 'zod';

/** How long a request waits before it is handled. */
export const latencySchema = z.union([
  z.object({ kind: z.literal('fixed'), ms: z.number().min(0).max(60_000) }),
  z.object({ kind: z.literal('uniform'), minMs: z.number().min(0), maxMs: z.number().max(60_000) }),
  // Log-normal is how service latencies are usually shaped: a median and a long right tail.
  z.object({ kind: z.literal('lognormal'), medianMs: z.number().min(0).max(60_000), sigma: z.number().min(0).max(3) }),
]);
export type Latency = z.infer<typeof latencySchema>;

export const faultEffectSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('latency'), latency: latencySchema }),
  /** Answer with a 5xx in the vendor's shape (optionally with Retry-After). */
  z.object({ kind: z.literal('status'), status: z.number().int().min(500).max(599), retryAfterS: z.number().int().min(0).optional() }),
  /** Send the response's head and `afterBytes` of its body, then reset the connection. */
  z.object({ kind: z.literal('reset-response'), afterBytes: z.number().int().min(0) }),
  /** Read `afterBytes` of the request body, then reset the connection (a truncated upload). */
  z.object({ kind: z.literal('reset-request'), afterBytes: z.number().int().min(0) }),
  /** Treat the request's delta/history/sync token as expired (Graph 410, Gmail 404, Calendar 410, Drive 400 invalid pageToken). */
  z.object({ kind: z.literal('stale-delta') }),
]);
export type FaultEffect = z.infer<typeof faultEffectSchema>;

export const faultRuleSchema = z.object({
  /** Operation name (`graph.messages.list`), or a prefix ending in `*` (`gmail.*`). */
  operation: z.string().min(1).max(200),
  method: z.string().max(10).optional(),
  /** Only requests whose acting user/mailbox matches (case-insensitive). */
  user: z.string().max(320).optional(),
  effect: faultEffectSchema,
  /** Chance of applying to a matching request (default 1). */
  probability: z.number().min(0).max(1).default(1),
  /** Apply to at most this many matching requests, then retire (default: no limit). */
  times: z.number().int().min(1).optional(),
  /** Let this many matching requests through before the rule starts applying. */
  skip: z.number().int().min(0).default(0),
});
export type FaultRuleInput = z.input<typeof faultRuleSchema>;
export type FaultRule = z.infer<typeof faultRuleSchema>;
