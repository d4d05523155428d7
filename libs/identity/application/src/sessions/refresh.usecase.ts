import { Inject, Injectable } from '@nestjs/common';
import type { Session } from '@ferry/identity/domain';
import { accountActor, recordOrRaise } from '../audit-records';
import { AUDIT_UNAVAILABLE, InvalidCredentialsError } from '../identity.errors';
import {
  ACCESS_TOKEN_SIGNER,
  type AccessTokenSigner,
  ACCOUNT_REPOSITORY,
  type AccountRepository,
  CLOCK,
  type Clock,
  IDENTITY_AUDIT_TRAIL,
  type IdentityAuditTrail,
  KEYED_HASHER,
  type KeyedHasher,
  SESSION_REPOSITORY,
  type SessionRepository,
} from '../identity.ports';
import { IDENTITY_POLICY, type IdentityPolicy } from '../identity-policy';
import { type IssuedTokens, newOpaqueToken } from '../session-issuer';
import { signTokenSet } from '../token-set';
import type { RefreshCommand } from './refresh.command';

/**
 * Exchanges a refresh token for a new token set, rotating it, and records `auth.session.refreshed` in
 * the session's log. A token spent before is a sign of theft: the whole session (its family) is
 * revoked and the event audited. The account is reloaded, so role changes and removals take effect
 * at the next refresh.
 */
@Injectable()
export class RefreshUseCase {
  constructor(
    @Inject(SESSION_REPOSITORY) private readonly sessions: SessionRepository,
    @Inject(ACCOUNT_REPOSITORY) private readonly accounts: AccountRepository,
    @Inject(KEYED_HASHER) private readonly hasher: KeyedHasher,
    @Inject(ACCESS_TOKEN_SIGNER) private readonly signer: AccessTokenSigner,
    @Inject(IDENTITY_AUDIT_TRAIL) private readonly audit: IdentityAuditTrail,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(IDENTITY_POLICY) private readonly policy: IdentityPolicy,
  ) {}

  async execute(command: RefreshCommand): Promise<IssuedTokens> {
    const now = this.clock.now();
    const next = newOpaqueToken();
    const idleExpiresAt = new Date(now.getTime() + this.policy.sessionIdleMs);
    const result = await this.sessions.rotateRefreshToken(
      this.hasher.tokenHash(command.refreshToken),
      this.hasher.tokenHash(next),
      now,
      idleExpiresAt,
    );
    switch (result.outcome) {
      case 'unknown':
      case 'ended':
        throw new InvalidCredentialsError();
      case 'reused':
        return this.refuseReuse(result.session, command, now);
      case 'rotated': {
        const tokens = await this.tokensFor(result.session, next, now);
        this.recordRefresh(result.session, command);
        return tokens;
      }
    }
  }

  /**
   * Not awaited, and a failure does not refuse the refresh: the rotation cannot be undone, and a
   * client that retried with its spent token would revoke its own session. A refresh is neither a
   * sign-in nor a change, so it is not held to the stored-before-answered rule; a record the trail
   * could not store is logged by the trail's adapter.
   */
  private recordRefresh(session: Session, command: RefreshCommand): void {
    void this.audit
      .record({
        orgId: session.orgId,
        actor: accountActor(session.accountId),
        action: 'auth.session.refreshed',
        target: { type: 'session', id: session.id },
        outcome: 'success',
        sourceAddress: command.from.sourceAddress,
        userAgent: command.from.userAgent,
        sessionId: session.id,
      })
      .catch(() => undefined);
  }

  private async tokensFor(session: Session, refreshToken: string, now: Date): Promise<IssuedTokens> {
    // The store checks liveness atomically; this repeats it so a lax adapter cannot extend a dead session.
    if (session.revokedAt !== null || session.absoluteExpiresAt <= now) throw new InvalidCredentialsError();
    const account = await this.accounts.findById(session.orgId, session.accountId);
    if (!account) {
      await this.sessions.revoke(session.id, 'admin-revoked', now);
      throw new InvalidCredentialsError();
    }
    return signTokenSet(this.signer, { account, session, refreshToken });
  }

  /**
   * Revokes the family first (it stands even if the audit trail is down), then audits. If the record
   * is lost, the answer says the session was ended: its holder signs in again, as after the 401.
   */
  private async refuseReuse(session: Session, command: RefreshCommand, now: Date): Promise<never> {
    await this.sessions.revoke(session.id, 'refresh-reused', now);
    await recordOrRaise(
      this.audit,
      [
        {
          orgId: session.orgId,
          actor: { kind: 'anonymous', id: 'anonymous' },
          action: 'auth.refresh.reused',
          target: { type: 'session', id: session.id },
          outcome: 'denied',
          sourceAddress: command.from.sourceAddress,
          userAgent: command.from.userAgent,
          detail: { accountId: session.accountId },
          sessionId: session.id,
        },
      ],
      AUDIT_UNAVAILABLE.sessionEnded,
    );
    throw new InvalidCredentialsError();
  }
}
