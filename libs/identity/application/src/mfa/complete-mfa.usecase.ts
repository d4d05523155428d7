import { Inject, Injectable } from '@nestjs/common';
import { accountActionEntry, accountActor, recordOrRaise } from '../audit-records';
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
import { newSessionId, SessionIssuer } from '../session-issuer';
import { PendingSteps } from '../signin/pending-steps.service';
import { SignInThrottle } from '../signin/sign-in-throttle';
import type { SignInResult } from '../signin/sign-in.result';
import type { CompleteMfaCommand } from './complete-mfa.command';
import { refuseWrongAnswer } from './refuse-wrong-answer';
import { matchTotpAnswer, openStepAnswer, type StepAnswer, type StepAnswerPorts } from './step-answer';

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
    const answer = await openStepAnswer(this.ports, 'mfa', command, this.clock.now());
    // Chosen now so the recovery code's record is in the log of the session it opens.
    const sessionId = newSessionId();
    const method =
      command.answer.kind === 'totp'
        ? await this.checkTotp(answer, command.answer.code)
        : await this.checkRecoveryCode(answer, command.answer.code, sessionId);
    const { step, keys, now } = answer;
    await this.pending.consume(step);
    await this.throttle.reset(keys);
    const tokens = await this.issuer.issueSignIn({
      account: step.account,
      amr: [...step.amr, method],
      subjectPseudonym: null,
      now,
      from: command.from,
      sessionId,
    });
    return { kind: 'session', tokens };
  }

  private get ports(): StepAnswerPorts {
    const { accounts, totp, pending, throttle, audit } = this;
    return { accounts, totp, pending, throttle, audit };
  }

  private async checkTotp(answer: StepAnswer, code: string): Promise<'otp'> {
    const matched = await matchTotpAnswer(this.ports, answer, code, 'confirmed');
    // The conditional update is the replay check: only one answer per time step can ever win.
    if (!(await this.accounts.advanceTotpStep(answer.step.account.id, matched)))
      return refuseWrongAnswer(this.ports, answer, 'totp-replayed');
    return 'otp';
  }

  private async checkRecoveryCode(answer: StepAnswer, code: string, sessionId: string): Promise<'rec'> {
    const account = answer.step.account;
    if (!(await this.accounts.consumeRecoveryCode(account.id, this.hasher.tokenHash(code))))
      return refuseWrongAnswer(this.ports, answer, 'bad-recovery-code');
    const remaining = await this.accounts.remainingRecoveryCodes(account.id);
    await recordOrRaise(this.audit, [
      accountActionEntry({
        orgId: account.orgId,
        actor: accountActor(account.id),
        action: 'auth.recovery_code.used',
        accountId: account.id,
        from: answer.from,
        detail: { remaining: String(remaining) },
        sessionId,
      }),
    ]);
    return 'rec';
  }
}
