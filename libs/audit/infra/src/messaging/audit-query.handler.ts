import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { fromBinary } from '@bufbuild/protobuf';
import { timestampDate } from '@bufbuild/protobuf/wkt';
import { InvalidAuditQueryError, ListSessionEventsUseCase, QueryAuditEventsUseCase, type StoredAuditRecord } from '@ferry/audit/application';
import type { AuditOutcome, AuditQueryFilter } from '@ferry/audit/domain';
import { type AuditEventFilter, AuditEventSchema, Outcome, Rpc, RpcErrorCode } from '@ferry/contracts';
import { AccessTokenVerifier, authorizeCall } from '@ferry/platform/auth';
import { MessagingClient, RpcException } from '@ferry/platform/messaging';

const OUTCOMES: Partial<Record<Outcome, AuditOutcome>> = {
  [Outcome.SUCCESS]: 'success',
  [Outcome.FAILURE]: 'failure',
  [Outcome.DENIED]: 'denied',
};

/** The domain filter of a request's; proto3's empty values (no presence) mean "not filtered". */
export function filterOf(f: AuditEventFilter | undefined): AuditQueryFilter {
  if (!f) return {};
  const outcome = f.outcome === Outcome.UNSPECIFIED ? undefined : OUTCOMES[f.outcome];
  if (f.outcome !== Outcome.UNSPECIFIED && outcome === undefined) throw new InvalidAuditQueryError('outcome', 'outcome must be success, failure or denied');
  return {
    ...(f.from ? { from: timestampDate(f.from) } : {}),
    ...(f.to ? { to: timestampDate(f.to) } : {}),
    ...(f.actorId ? { actorId: f.actorId } : {}),
    ...(f.action ? { action: f.action } : {}),
    ...(f.targetType ? { targetType: f.targetType } : {}),
    ...(f.targetId ? { targetId: f.targetId } : {}),
    ...(outcome ? { outcome } : {}),
  };
}

const stored = (r: StoredAuditRecord) => ({ sequence: r.sequence, event: fromBinary(AuditEventSchema, r.encoded) });

/** A malformed query as the caller's INVALID_ARGUMENT, naming every bad field. */
async function asRpcError<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof InvalidAuditQueryError) {
      throw new RpcException(
        RpcErrorCode.INVALID_ARGUMENT,
        err.message,
        err.violations.map((v) => ({ field: v.field, reason: v.reason })),
      );
    }
    throw err;
  }
}

/**
 * Serves `audit.v1.rpc.query` (filtered pages, newest first) and `audit.v1.rpc.sessions.events`
 * (one session's log, oldest first). Every call's token is verified here again: only org-admin and
 * auditor of that organisation (audit.read) read its trail.
 */
@Injectable()
export class AuditQueryHandler implements OnApplicationBootstrap {
  constructor(
    @Inject(MessagingClient) private readonly messaging: MessagingClient,
    @Inject(QueryAuditEventsUseCase) private readonly query: QueryAuditEventsUseCase,
    @Inject(ListSessionEventsUseCase) private readonly sessions: ListSessionEventsUseCase,
    @Inject(AccessTokenVerifier) private readonly verifier: AccessTokenVerifier,
  ) {}

  onApplicationBootstrap(): void {
    void this.messaging.serve(Rpc.audit.query, async (req) => {
      await authorizeCall(this.verifier, req.caller?.accessToken ?? '', 'audit.read', req.orgId.toLowerCase());
      return asRpcError(async () => {
        const page = await this.query.execute(req.orgId, { limit: req.limit, cursor: req.cursor, filter: filterOf(req.filter), countLimit: req.countLimit });
        return { events: page.records.map(stored), nextCursor: page.nextCursor, matched: BigInt(page.matched) };
      });
    });
    void this.messaging.serve(Rpc.audit.sessionEvents, async (req) => {
      await authorizeCall(this.verifier, req.caller?.accessToken ?? '', 'audit.read', req.orgId.toLowerCase());
      return asRpcError(async () => {
        const page = await this.sessions.execute(req.orgId, req.sessionId, req.limit, req.cursor);
        return { events: page.records.map(stored), nextCursor: page.nextCursor };
      });
    });
  }
}
