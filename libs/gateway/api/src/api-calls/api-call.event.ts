import { ActorKind, Outcome } from '@ferry/contracts';
import type { AuditEventDraft } from '@ferry/platform/messaging';
import type { AccessClaims } from '@ferry/platform/rbac';

/** The audit action of one API call made with an access token. */
export const API_CALL_ACTION = 'api.call';

/** Bounds, as the other gateway records use: no client can bloat a record. */
const ROUTE_MAX = 200;
const SOURCE_ADDRESS_MAX = 64;
const USER_AGENT_MAX = 256;
const METHOD_MAX = 16;

/** One finished API call, as the gateway saw it. Holds no body, query, token or concrete path. */
export interface ApiCall {
  readonly claims: AccessClaims;
  readonly method: string;
  /** The matched route's pattern (`/api/v1/orgs/:org/connectors/:id`), never the requested path; null if none matched. */
  readonly route: string | null;
  /** The status sent, or null when the client went away before any answer was sent. */
  readonly status: number | null;
  /** False when the connection closed before the answer was complete (an abandoned call, a closed stream). */
  readonly completed: boolean;
  readonly durationMs: number;
  readonly sourceAddress: string | null;
  readonly userAgent: string | null;
}

/**
 * success below 400; denied for 4xx (refused: authentication, permission, another organisation's
 * object, validation, conflict, throttling, as ferry.audit.v1.Outcome defines denied); failure for
 * 5xx and for a call the client abandoned before any answer was sent.
 */
export function apiCallOutcome(status: number | null): Outcome {
  if (status === null || status >= 500) return Outcome.FAILURE;
  return status >= 400 ? Outcome.DENIED : Outcome.SUCCESS;
}

/**
 * The `api.call` record of a call: in the caller's organisation and session, the route template as
 * target, and `detail` {method, route, status, duration_ms} (plus `aborted` for an incomplete one).
 */
export function apiCallEvent(call: ApiCall): AuditEventDraft {
  const method = call.method.toUpperCase().slice(0, METHOD_MAX);
  const route = (call.route ?? '(unmatched)').slice(0, ROUTE_MAX);
  return {
    orgId: call.claims.orgId ?? '',
    actor: { kind: ActorKind.ACCOUNT, id: call.claims.accountId },
    action: API_CALL_ACTION,
    target: { type: 'route', id: `${method} ${route}` },
    outcome: apiCallOutcome(call.status),
    sourceAddress: (call.sourceAddress ?? '').slice(0, SOURCE_ADDRESS_MAX),
    userAgent: (call.userAgent ?? '').slice(0, USER_AGENT_MAX),
    sessionId: call.claims.sessionId,
    detail: {
      method,
      route,
      status: call.status === null ? '' : String(call.status),
      duration_ms: String(Math.max(0, Math.round(call.durationMs))),
      ...(call.completed ? {} : { aborted: 'true' }),
    },
  };
}
