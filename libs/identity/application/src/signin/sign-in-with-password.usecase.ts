import { Inject, Injectable } from '@nestjs/common';
import { type Account, PASSWORD_MAX, PASSWORD_MIN_WITHOUT_MFA, passwordLength } from '@ferry/identity/domain';
import { ADMIN_ROLES } from '@ferry/platform/rbac';
import { IDENTITY_SERVICE_ACTOR, recordOrRaise } from '../audit-records';
import { AuditUnavailableError, InvalidCredentialsError, ThrottledError } from '../identity.errors';
import {
  ACCOUNT_REPOSITORY,
  type AccountRepository,
  CLOCK,
  type Clock,
  HashingBusyError,
  type HashingOptions,
  IDENTITY_AUDIT_TRAIL,
  type IdentityAuditEntry,
  type IdentityAuditTrail,
  ORGANISATION_REPOSITORY,
  type OrganisationRepository,
  PASSWORD_HASHER,
  type PasswordHasher,
} from '../identity.ports';
import { SessionIssuer } from '../session-issuer';
import { PendingSteps } from './pending-steps.service';
import type { SignInWithPasswordCommand } from './sign-in-with-password.command';
import { ANONYMOUS_ACTOR, SignInThrottle, type ThrottleKeys } from './sign-in-throttle';
import type { SignInResult } from './sign-in.result';

/** Why a password sign-in failed, as the audit record says; the caller always sees InvalidCredentialsError. */
type FailureReason = 'unknown-account' | 'bad-password' | 'no-password' | 'password-too-long';

/**
 * Password sign-in. Throttling comes first and costs no hashing; an unknown account pays a dummy
 * verification, so answers and work are the same whether or not the account exists. Hashing queues
 * per source address; when the source's queue is full (or the wait too long) the attempt is answered
 * ThrottledError(1) uncounted, so one source never holds more than its queue bound plus the lanes.
 * A right password leads to a pending MFA or enrolment step, or (no MFA required, password of 15+)
 * to a session.
 */
@Injectable()
export class SignInWithPasswordUseCase {
  constructor(
    @Inject(ACCOUNT_REPOSITORY) private readonly accounts: AccountRepository,
    @Inject(ORGANISATION_REPOSITORY) private readonly organisations: OrganisationRepository,
    @Inject(PASSWORD_HASHER) private readonly hasher: PasswordHasher,
    @Inject(IDENTITY_AUDIT_TRAIL) private readonly audit: IdentityAuditTrail,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SignInThrottle) private readonly throttle: SignInThrottle,
    @Inject(PendingSteps) private readonly pending: PendingSteps,
    @Inject(SessionIssuer) private readonly issuer: SessionIssuer,
  ) {}

  async execute(command: SignInWithPasswordCommand): Promise<SignInResult> {
    const now = this.clock.now();
    const keys = this.throttle.keys(command.loginName, command.from);
    await this.throttle.check(keys, now);

    // Over-long passwords never reach argon2 (its cost grows with input). The cap is in code points
    // after NFC; beyond 4 UTF-16 units per allowed code point the input is refused without normalising.
    if (command.password.length > 4 * PASSWORD_MAX || passwordLength(command.password) > PASSWORD_MAX) {
      return this.fail(command, keys, now, 'password-too-long', null);
    }

    const queue: HashingOptions = { queueKey: command.from.sourceAddress };
    const found = await this.accounts.findByLoginName(command.loginName);
    if (!found || found.passwordHash === null) {
      await busyAsThrottled(this.hasher.verifyDummy(command.password, queue));
      return this.fail(
        command,
        keys,
        now,
        found ? 'no-password' : 'unknown-account',
        found?.account.orgId ?? null,
      );
    }
    const { account, passwordHash } = found;
    const verdict = await busyAsThrottled(this.hasher.verify(passwordHash, command.password, queue));
    if (!verdict.ok) return this.fail(command, keys, now, 'bad-password', account.orgId);

    if (verdict.needsRehash) await this.rehash(account, command, queue);
    return this.nextStep(account, command, keys, now);
  }

  /**
   * The account's failure count is cleared only when a session is issued: a right password followed
   * by wrong second factors must not reset the count, or TOTP guessing would be unbounded.
   */
  private async nextStep(
    account: Account,
    command: SignInWithPasswordCommand,
    keys: ThrottleKeys,
    now: Date,
  ): Promise<SignInResult> {
    if (account.mfaEnrolled)
      return { kind: 'mfa-required', step: await this.pending.open(account, 'mfa', ['pwd'], now) };
    // Without a second factor only a long password will do (ASVS: 15+); a shorter one was set for an MFA account.
    if ((await this.mfaRequired(account)) || passwordLength(command.password) < PASSWORD_MIN_WITHOUT_MFA) {
      return {
        kind: 'enrolment-required',
        step: await this.pending.open(account, 'enrolment', ['pwd'], now),
      };
    }
    await this.throttle.reset(keys);
    const tokens = await this.issuer.issueSignIn({
      account,
      amr: ['pwd'],
      subjectPseudonym: null,
      now,
      from: command.from,
    });
    return { kind: 'session', tokens };
  }

  /** Admin roles always need MFA; other accounts unless their organisation turned it off. */
  private async mfaRequired(account: Account): Promise<boolean> {
    if (account.roles.some((r) => ADMIN_ROLES.has(r))) return true;
    if (account.orgId === null) return true;
    const org = await this.organisations.findById(account.orgId);
    return org?.mfaRequired ?? true;
  }

  /**
   * Stores a hash with the current parameters; audited first, so an unaudited change never happens.
   * With no room to hash, the old hash stays until a later sign-in: the sign-in itself goes on.
   */
  private async rehash(
    account: Account,
    command: SignInWithPasswordCommand,
    queue: HashingOptions,
  ): Promise<void> {
    let hash: string;
    try {
      hash = await this.hasher.hash(command.password, queue);
    } catch (err) {
      if (err instanceof HashingBusyError) return;
      throw err;
    }
    try {
      await this.audit.record({
        orgId: account.orgId,
        actor: IDENTITY_SERVICE_ACTOR,
        action: 'account.password.rehashed',
        target: { type: 'account', id: account.id },
        outcome: 'success',
        sourceAddress: command.from.sourceAddress,
        userAgent: command.from.userAgent,
      });
    } catch {
      throw new AuditUnavailableError();
    }
    await this.accounts.updatePasswordHash(account.id, hash);
  }

  /**
   * Counts the failure (whether or not the audit trail is up, so throttling never depends on it),
   * audits it with its reason and any lock it starts, and refuses with the one credentials error.
   */
  private async fail(
    command: SignInWithPasswordCommand,
    keys: ThrottleKeys,
    now: Date,
    reason: FailureReason,
    orgId: string | null,
  ): Promise<never> {
    const lockEntries = await this.throttle.recordFailure(keys, now, { orgId, caller: command.from });
    const failed: IdentityAuditEntry = {
      orgId,
      actor: ANONYMOUS_ACTOR,
      action: 'auth.signin.failed',
      target: { type: 'login', id: keys.account },
      outcome: 'failure',
      sourceAddress: command.from.sourceAddress,
      userAgent: command.from.userAgent,
      detail: { reason },
    };
    await recordOrRaise(this.audit, [failed, ...lockEntries]);
    throw new InvalidCredentialsError();
  }
}

/**
 * A full hashing queue answers like a throttle, before any password was checked: retry in a second,
 * nothing counted, the same for existing and unknown accounts (both paths hash).
 */
async function busyAsThrottled<T>(hashing: Promise<T>): Promise<T> {
  try {
    return await hashing;
  } catch (err) {
    if (err instanceof HashingBusyError) throw new ThrottledError(1);
    throw err;
  }
}
