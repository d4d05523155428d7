import { Inject, Injectable } from '@nestjs/common';
import type { AccessClaims } from '@ferry/platform/rbac';
import { accountActor, recordOrRaise } from '../audit-records';
import type { CallerInfo } from '../caller';
import { AUDIT_UNAVAILABLE } from '../identity.errors';
import {
  CLOCK,
  type Clock,
  IDENTITY_AUDIT_TRAIL,
  type IdentityAuditTrail,
  SESSION_REPOSITORY,
  type SessionRepository,
} from '../identity.ports';

/**
 * Ends the caller's own session (named by its verified access token). Its refresh token stops
 * working at once; the access token expires within its short lifetime. Signing out twice is fine.
 */
@Injectable()
export class SignOutUseCase {
  constructor(
    @Inject(SESSION_REPOSITORY) private readonly sessions: SessionRepository,
    @Inject(IDENTITY_AUDIT_TRAIL) private readonly audit: IdentityAuditTrail,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute(claims: AccessClaims, from: CallerInfo): Promise<void> {
    const now = this.clock.now();
    const session = await this.sessions.findById(claims.sessionId);
    // Another account's session id in a (verified) token cannot happen; treat it as nothing to end.
    if (!session || session.accountId !== claims.accountId || session.revokedAt !== null) return;
    // Revocation stands even if the audit trail is down: keeping a session alive would be worse. The
    // caller then hears that it is signed out and that only the record is missing.
    await this.sessions.revoke(session.id, 'signed-out', now);
    await recordOrRaise(
      this.audit,
      [
        {
          orgId: session.orgId,
          actor: accountActor(claims.accountId),
          action: 'auth.signout',
          target: { type: 'session', id: session.id },
          outcome: 'success',
          sourceAddress: from.sourceAddress,
          userAgent: from.userAgent,
          sessionId: session.id,
        },
      ],
      AUDIT_UNAVAILABLE.sessionEnded,
    );
  }
}
