import { randomBytes, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Account, Session } from '@ferry/identity/domain';
import { accountActor } from './audit-records';
import type { CallerInfo } from './caller';
import {
  ACCESS_TOKEN_SIGNER,
  type AccessTokenSigner,
  IDENTITY_AUDIT_TRAIL,
  type IdentityAuditEntry,
  type IdentityAuditTrail,
  KEYED_HASHER,
  type KeyedHasher,
  SESSION_REPOSITORY,
  type SessionRepository,
} from './identity.ports';
import { AuditUnavailableError } from './identity.errors';
import { IDENTITY_POLICY, type IdentityPolicy } from './identity-policy';
import { signTokenSet } from './token-set';

/** What a completed sign-in or refresh hands to the client. Never logged. */
export interface IssuedTokens {
  readonly accessToken: string;
  readonly accessTokenExpiresAt: Date;
  readonly refreshToken: string;
  readonly sessionExpiresAt: Date;
  readonly sessionId: string;
}

export interface IssueSessionInput {
  readonly account: Account;
  /** How the account authenticated: `pwd`, `otp`, `rec`, `fed`. */
  readonly amr: readonly string[];
  /** Keyed pseudonym of the federated principal; null for password sign-ins. */
  readonly subjectPseudonym: string | null;
  readonly now: Date;
  /**
   * The new session's id, when records of the steps completing the sign-in (an enrolment, a recovery
   * code) must carry it before the session exists; a fresh one otherwise (see newSessionId).
   */
  readonly sessionId?: string;
}

/** A fresh session id (UUID). */
export function newSessionId(): string {
  return randomUUID();
}

/** 32 random bytes, base64url: the shape of refresh and pending-step tokens. */
export function newOpaqueToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Starts sessions: one Session row (a refresh-token family; only the token's hash is stored) and
 * a first access token. Every sign-in path (password, MFA, enrolment, SSO) ends here.
 */
@Injectable()
export class SessionIssuer {
  constructor(
    @Inject(SESSION_REPOSITORY) private readonly sessions: SessionRepository,
    @Inject(KEYED_HASHER) private readonly hasher: KeyedHasher,
    @Inject(ACCESS_TOKEN_SIGNER) private readonly signer: AccessTokenSigner,
    @Inject(IDENTITY_AUDIT_TRAIL) private readonly audit: IdentityAuditTrail,
    @Inject(IDENTITY_POLICY) private readonly policy: IdentityPolicy,
  ) {}

  /** Creates the session and its tokens. The caller must audit the sign-in (see issueAudited). */
  async issue(input: IssueSessionInput): Promise<IssuedTokens> {
    const { account, amr, subjectPseudonym, now } = input;
    const refreshToken = newOpaqueToken();
    const absoluteExpiresAt = new Date(now.getTime() + this.policy.sessionAbsoluteMs);
    const session: Session = {
      id: input.sessionId ?? newSessionId(),
      accountId: account.id,
      orgId: account.orgId,
      amr: [...amr],
      subjectPseudonym,
      createdAt: now,
      lastUsedAt: now,
      idleExpiresAt: new Date(
        Math.min(now.getTime() + this.policy.sessionIdleMs, absoluteExpiresAt.getTime()),
      ),
      absoluteExpiresAt,
      revokedAt: null,
      revokeReason: null,
    };
    await this.sessions.insert(session, this.hasher.tokenHash(refreshToken));
    return signTokenSet(this.signer, { account, session, refreshToken });
  }

  /**
   * Creates the session, then records `entry(sessionId)`. Tokens leave only once the audit record is
   * stored: if it cannot be, the session is revoked again and AuditUnavailableError raised.
   */
  async issueAudited(
    input: IssueSessionInput,
    entry: (sessionId: string) => IdentityAuditEntry,
  ): Promise<IssuedTokens> {
    const tokens = await this.issue(input);
    try {
      await this.audit.record(entry(tokens.sessionId));
    } catch {
      await this.sessions.revoke(tokens.sessionId, 'audit-unavailable', input.now);
      throw new AuditUnavailableError();
    }
    return tokens;
  }

  /**
   * The session a sign-in ends with, audited as auth.signin.succeeded by the account, in the new
   * session's log, its method the amr joined (`pwd+otp`) plus any `detail` (e.g. the SSO provider).
   */
  async issueSignIn(
    input: IssueSessionInput & { readonly from: CallerInfo; readonly detail?: Record<string, string> },
  ): Promise<IssuedTokens> {
    const { from, detail, ...issue } = input;
    const { account, amr } = issue;
    return this.issueAudited(issue, (sessionId) => ({
      orgId: account.orgId,
      actor: accountActor(account.id),
      action: 'auth.signin.succeeded',
      target: { type: 'session', id: sessionId },
      outcome: 'success',
      sourceAddress: from.sourceAddress,
      userAgent: from.userAgent,
      detail: { method: amr.join('+'), ...detail },
      sessionId,
    }));
  }
}
