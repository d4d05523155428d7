import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { formatRecoveryCode, normaliseRecoveryCode, RECOVERY_CODE_BYTES } from '@ferry/identity/domain';
import { recordOrUndo } from '../audit-or-undo';
import { InvalidCredentialsError } from '../identity.errors';
import {
  ACCOUNT_REPOSITORY,
  type AccountRepository,
  CLOCK,
  type Clock,
  IDENTITY_AUDIT_TRAIL,
  type IdentityAuditTrail,
  KEYED_HASHER,
  type KeyedHasher,
  TOTP,
  type Totp,
} from '../identity.ports';
import { IDENTITY_POLICY, type IdentityPolicy } from '../identity-policy';
import { type IssuedTokens, SessionIssuer } from '../session-issuer';
import { PendingSteps } from '../signin/pending-steps.service';
import { SignInThrottle } from '../signin/sign-in-throttle';
import type { VerifyEnrolmentCommand } from './verify-enrolment.command';
import { refuseWrongAnswer } from './refuse-wrong-answer';

/** The first session after enrolment, and the recovery codes in clear: returned once, only hashes are kept. */
export interface EnrolmentCompleted {
  readonly tokens: IssuedTokens;
  readonly recoveryCodes: readonly string[];
}

/**
 * Confirms TOTP enrolment with a first code (which becomes the last accepted step, so it cannot be
 * replayed), hands out fresh recovery codes and signs the account in. An enrolment that cannot be
 * audited is undone.
 */
@Injectable()
export class VerifyEnrolmentUseCase {
  constructor(
    @Inject(ACCOUNT_REPOSITORY) private readonly accounts: AccountRepository,
    @Inject(TOTP) private readonly totp: Totp,
    @Inject(KEYED_HASHER) private readonly hasher: KeyedHasher,
    @Inject(IDENTITY_AUDIT_TRAIL) private readonly audit: IdentityAuditTrail,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(IDENTITY_POLICY) private readonly policy: IdentityPolicy,
    @Inject(SignInThrottle) private readonly throttle: SignInThrottle,
    @Inject(PendingSteps) private readonly pending: PendingSteps,
    @Inject(SessionIssuer) private readonly issuer: SessionIssuer,
  ) {}

  async execute(command: VerifyEnrolmentCommand): Promise<EnrolmentCompleted> {
    const now = this.clock.now();
    const step = await this.pending.load(command.pendingToken, 'enrolment', now);
    const account = step.account;
    if (account.mfaEnrolled) throw new InvalidCredentialsError();
    const keys = this.throttle.keys(account.loginName, command.from);
    await this.throttle.check(keys, now);

    const deps = { pending: this.pending, throttle: this.throttle, audit: this.audit };
    const stored = await this.accounts.readTotpSecret(account.id);
    if (!stored || stored.enrolled)
      return refuseWrongAnswer(deps, { step, keys, now, reason: 'no-totp-secret', from: command.from });
    const matched = this.totp.match(stored.secret, command.totpCode, now);
    if (matched === null)
      return refuseWrongAnswer(deps, { step, keys, now, reason: 'bad-totp', from: command.from });

    await this.pending.consume(step);
    await this.accounts.confirmTotp(account.id, matched);
    const recoveryCodes = Array.from({ length: this.policy.recoveryCodeCount }, () =>
      formatRecoveryCode(randomBytes(RECOVERY_CODE_BYTES)),
    );
    await this.accounts.replaceRecoveryCodes(
      account.id,
      recoveryCodes.map((c) => this.hasher.tokenHash(normaliseRecoveryCode(c) ?? c)),
    );
    await this.throttle.reset(keys);
    await recordOrUndo(
      this.audit,
      [
        {
          orgId: account.orgId,
          actor: { kind: 'account', id: account.id },
          action: 'auth.mfa.enrolled',
          target: { type: 'account', id: account.id },
          outcome: 'success',
          sourceAddress: command.from.sourceAddress,
          userAgent: command.from.userAgent,
          detail: { recoveryCodes: String(recoveryCodes.length) },
        },
      ],
      () => this.accounts.clearMfa(account.id),
    );

    const enrolled = { ...account, mfaEnrolled: true };
    const tokens = await this.issuer.issueAudited(
      { account: enrolled, amr: [...step.amr, 'otp'], subjectPseudonym: null, now },
      (sessionId) => ({
        orgId: account.orgId,
        actor: { kind: 'account', id: account.id },
        action: 'auth.signin.succeeded',
        target: { type: 'session', id: sessionId },
        outcome: 'success',
        sourceAddress: command.from.sourceAddress,
        userAgent: command.from.userAgent,
        detail: { method: [...step.amr, 'otp'].join('+') },
      }),
    );
    return { tokens, recoveryCodes };
  }
}
