import { Inject, Injectable, Logger } from '@nestjs/common';
import { ActorKind, Outcome } from '@ferry/contracts';
import type { AccessDenial, AccessDeniedRecorder } from '@ferry/platform/auth';
import { MessagingClient, publishAuditEvent } from '@ferry/platform/messaging';
import { GATEWAY_API_OPTIONS, type GatewayApiOptions } from '../gateway-api.options';

/**
 * Audits refused requests of signed-in callers: a token of organisation A used on B's objects
 * (answered 404) and a missing permission (403). Recorded in the caller's own organisation's trail,
 * since the other organisation's existence must not be revealed to it either.
 */
@Injectable()
export class AuditingAccessDeniedRecorder implements AccessDeniedRecorder {
  private readonly logger = new Logger('AccessDenied');

  constructor(
    @Inject(MessagingClient) private readonly messaging: MessagingClient,
    @Inject(GATEWAY_API_OPTIONS) private readonly options: GatewayApiOptions,
  ) {}

  async record(denial: AccessDenial): Promise<void> {
    try {
      await publishAuditEvent(this.messaging, this.options.region, {
        orgId: denial.claims.orgId ?? '',
        actor: { kind: ActorKind.ACCOUNT, id: denial.claims.accountId },
        action: denial.reason === 'cross-org' ? 'authz.cross_org.denied' : 'authz.permission.denied',
        target: { type: 'route', id: (denial.route ?? '').slice(0, 200) },
        outcome: Outcome.DENIED,
        sourceAddress: (denial.sourceAddress ?? '').slice(0, 64),
        userAgent: (denial.userAgent ?? '').slice(0, 256),
        detail: { permission: denial.permission, ...(denial.requestedOrg ? { requested_org: denial.requestedOrg } : {}) },
      });
    } catch (err) {
      // The refusal stands either way; losing its record is logged for the operator.
      this.logger.error(`could not audit a refused request: ${(err as Error).message}`);
    }
  }
}
