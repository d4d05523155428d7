import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { fromBinary } from '@bufbuild/protobuf';
import { InvalidAuditQueryError, QueryAuditEventsUseCase } from '@ferry/audit/application';
import { AuditEventSchema, Rpc, RpcErrorCode } from '@ferry/contracts';
import { AccessTokenVerifier, authorizeCall } from '@ferry/platform/auth';
import { MessagingClient, RpcException } from '@ferry/platform/messaging';

/** Serves `audit.v1.rpc.query`. */
@Injectable()
export class AuditQueryHandler implements OnApplicationBootstrap {
  constructor(
    @Inject(MessagingClient) private readonly messaging: MessagingClient,
    @Inject(QueryAuditEventsUseCase) private readonly query: QueryAuditEventsUseCase,
    @Inject(AccessTokenVerifier) private readonly verifier: AccessTokenVerifier,
  ) {}

  onApplicationBootstrap(): void {
    void this.messaging.serve(Rpc.audit.query, async (req) => {
      // Only org-admin and auditor of that organisation read its trail.
      await authorizeCall(this.verifier, req.caller?.accessToken ?? '', 'audit.read', req.orgId.toLowerCase());
      try {
        const page = await this.query.execute(req.orgId, req.limit, req.cursor);
        return {
          events: page.records.map((r) => ({ sequence: r.sequence, event: fromBinary(AuditEventSchema, r.encoded) })),
          nextCursor: page.nextCursor,
        };
      } catch (err) {
        if (err instanceof InvalidAuditQueryError) {
          throw new RpcException(RpcErrorCode.INVALID_ARGUMENT, err.message, [{ field: err.field, reason: err.message }]);
        }
        throw err;
      }
    });
  }
}
