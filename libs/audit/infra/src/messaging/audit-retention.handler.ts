import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { AuditRetentionUseCase, AuditTrailUnavailableError, InvalidAuditQueryError } from '@ferry/audit/application';
import { Rpc, RpcErrorCode } from '@ferry/contracts';
import { AccessTokenVerifier, authorizeCall } from '@ferry/platform/auth';
import { MessagingClient, RpcException } from '@ferry/platform/messaging';

/** Serves `audit.v1.rpc.retention.get` (audit.read) and `audit.v1.rpc.retention.set` (org.manage, audited). */
@Injectable()
export class AuditRetentionHandler implements OnApplicationBootstrap {
  constructor(
    @Inject(MessagingClient) private readonly messaging: MessagingClient,
    @Inject(AuditRetentionUseCase) private readonly retention: AuditRetentionUseCase,
    @Inject(AccessTokenVerifier) private readonly verifier: AccessTokenVerifier,
  ) {}

  onApplicationBootstrap(): void {
    void this.messaging.serve(Rpc.audit.getRetention, async (req) => {
      const orgId = req.orgId.toLowerCase();
      await authorizeCall(this.verifier, req.caller?.accessToken ?? '', 'audit.read', orgId);
      return this.retention.get(orgId);
    });
    void this.messaging.serve(Rpc.audit.setRetention, async (req) => {
      const orgId = req.orgId.toLowerCase();
      const claims = await authorizeCall(this.verifier, req.caller?.accessToken ?? '', 'org.manage', orgId);
      try {
        return await this.retention.set(orgId, req.days, {
          accountId: claims.accountId,
          sourceAddress: req.caller?.sourceAddress ?? '',
          userAgent: req.caller?.userAgent ?? '',
        });
      } catch (err) {
        if (err instanceof InvalidAuditQueryError) {
          throw new RpcException(RpcErrorCode.INVALID_ARGUMENT, err.message, [{ field: err.field, reason: err.message }]);
        }
        if (err instanceof AuditTrailUnavailableError) throw new RpcException(RpcErrorCode.UNAVAILABLE, err.message);
        throw err;
      }
    });
  }
}
