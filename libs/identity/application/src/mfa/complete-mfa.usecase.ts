import { Inject, Injectable } from '@nestjs/common';
import { InvalidCredentialsError } from '../identity.errors';
import { recordOrUndo } from '../audit-or-undo';
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
import { SessionIssuer } from '../session-issuer';
import { type OpenStep, PendingSteps } from '../signin/pending-steps.service';
import { SignInThrottle, type ThrottleKeys } from '../signin/sign-in-throttle';
import type { SignInResult } from '../signin/sign-in.result';
import type { CompleteMfaCommand } from './complete-mfa.command';
import { refuseWrongAnswer } from './refuse-wrong-answer';

/**
 * Answers an `mfa-required` step with a TOTP code (refused when its time step is at or below the last
 * accepted one: replay) or a single-use recovery code, and issues the session.
 */
@Injectable()
export class CompleteMfaUseCase {
  constructor(
    @Inject(ACCOUNT_REPOSITORY) private readonly accounts: AccountRepository,
    @Inject(TOTP) private readonly totp: Totp,
    @Inject(KEYED_HASHER) private readonly hasher: KeyedHasher,
    @Inject(IDENTITY_AUDIT_TRAIL) private readonly audit: IdentityAuditTrail,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SignInThrottle) private readonly throttle: SignInThrottle,
    @Inject(PendingSteps) private readonly pending: PendingSteps,
    @Inject(SessionIssuer) private readonly issuer: SessionIssuer,
  ) {}

  async execute(command: CompleteMfaCommand): Promise<SignInResult> {
    const now = this.clock.now();
    const step = await this.pending.load(command.pendingToken, 'mfa', now);
    if (!step.account.mfaEnrolled) throw new InvalidCredentialsError();
    const keys = this.throttle.keys(step.account.loginName, command.from);
    await this.throttle.check(keys, now);

    const method =
      command.answer.kind === 'totp'
        ? await this.checkTotp(step, keys, command, now)
        : await this.checkRecoveryCode(step, keys, command, now);
    await this.pending.consume(step);
    await this.throttle.reset(keys);
    const account = step.account;
    const tokens = await this.issuer.issueAudited(
      { account, amr: [...step.amr, method], subjectPseudonym: null, now },
      (sessionId) => ({
        orgId: account.orgId,
        actor: { kind: 'account', id: account.id },
        action: 'auth.signin.succeeded',
        target: { type: 'session', id: sessionId },
        outcome: 'success',
        sourceAddress: command.from.sourceAddress,
        userAgent: command.from.userAgent,
        detail: { method: [...step.amr, method].join('+') },
      }),
    );
    return { kind: 'session', tokens };
  }

  private async checkTotp(
    step: OpenStep,
    keys: ThrottleKeys,
    command: CompleteMfaCommand,
    now: Date,
  ): Promise<'otp'> {
    const deps = { pending: this.pending, throttle: this.throttle, audit: this.audit };
    const stored = await this.accounts.readTotpSecret(step.account.id);
    if (!stored?.enrolled)
      return refuseWrongAnswer(deps, { step, keys, now, reason: 'no-totp-secret', from: command.from });
    const matched = this.totp.match(stored.secret, command.answer.code, now);
    if (matched === null)
      return refuseWrongAnswer(deps, { step, keys, now, reason: 'bad-totp', from: command.from });
    // The conditional update is the replay check: only one answer per time step can ever win.
    if (!(await this.accounts.advanceTotpStep(step.account.id, matched))) {
      return refuseWrongAnswer(deps, { step, keys, now, reason: 'totp-replayed', from: command.from });
    }
    return 'otp';
  }

  private async checkRecoveryCode(
    step: OpenStep,
    keys: ThrottleKeys,
    command: CompleteMfaCommand,
    now: Date,
  ): Promise<'rec'> {
    const account = step.account;
    if (!(await this.accounts.consumeRecoveryCode(account.id, this.hasher.tokenHash(command.answer.code)))) {
      return refuseWrongAnswer(
        { pending: this.pending, throttle: this.throttle, audit: this.audit },
        { step, keys, now, reason: 'bad-recovery-code', from: command.from },
      );
    }
    const remaining = await this.accounts.remainingRecoveryCodes(account.id);
    await recordOrUndo(
      this.audit,
      [
        {
          orgId: account.orgId,
          actor: { kind: 'account', id: account.id },
          action: 'auth.recovery_code.used',
          target: { type: 'account', id: account.id },
          outcome: 'success',
          sourceAddress: command.from.sourceAddress,
          userAgent: command.from.userAgent,
          detail: { remaining: String(remaining) },
        },
      ],
      async () => undefined,
    );
    return 'rec';
  }
}
