import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { formatRecoveryCode, normaliseRecoveryCode, RECOVERY_CODE_BYTES } from '@ferry/identity/domain';
import { accountActionEntry, accountActor, recordBeforeCommit } from '../audit-records';
import {
  ACCOUNT_REPOSITORY,
  type AccountRepository,
  CLOCK,
  type Clock,
  IDENTITY_AUDIT_TRAIL,
  IDENTITY_UNIT_OF_WORK,
  type IdentityAuditTrail,
  type IdentityUnitOfWork,
  KEYED_HASHER,
  type KeyedHasher,
  TOTP,
  type Totp,
} from '../identity.ports';
import { IDENTITY_POLICY, type IdentityPolicy } from '../identity-policy';
import { type IssuedTokens, newSessionId, SessionIssuer } from '../session-issuer';
import { PendingSteps } from '../signin/pending-steps.service';
import { SignInThrottle } from '../signin/sign-in-throttle';
import type { VerifyEnrolmentCommand } from './verify-enrolment.command';
import { matchTotpAnswer, openStepAnswer, type StepAnswerPorts } from './step-answer';

/** The first session after enrolment, and the recovery codes in clear: returned once, only hashes are kept. */
export interface EnrolmentCompleted {
  readonly tokens: IssuedTokens;
  readonly recoveryCodes: readonly string[];
}

/**
 * Confirms TOTP enrolment with a first code (which becomes the last accepted step, so it cannot be
 * replayed), hands out fresh recovery codes and signs the account in. The confirmation, the codes and
 * the auth.mfa.enrolled record are one unit of work: if the trail does not take the record, the
 * secret stays unconfirmed and no codes are stored. The step is spent either way (a new sign-in
 * starts enrolment again), so its code cannot be tried twice.
 */
@Injectable()
export class VerifyEnrolmentUseCase {
  constructor(
    @Inject(ACCOUNT_REPOSITORY) private readonly accounts: AccountRepository,
    @Inject(TOTP) private readonly totp: Totp,
    @Inject(KEYED_HASHER) private readonly hasher: KeyedHasher,
    @Inject(IDENTITY_UNIT_OF_WORK) private readonly unitOfWork: IdentityUnitOfWork,
    @Inject(IDENTITY_AUDIT_TRAIL) private readonly audit: IdentityAuditTrail,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(IDENTITY_POLICY) private readonly policy: IdentityPolicy,
    @Inject(SignInThrottle) private readonly throttle: SignInThrottle,
    @Inject(PendingSteps) private readonly pending: PendingSteps,
    @Inject(SessionIssuer) private readonly issuer: SessionIssuer,
  ) {}

  async execute(command: VerifyEnrolmentCommand): Promise<EnrolmentCompleted> {
    const answer = await openStepAnswer(this.ports, 'enrolment', command, this.clock.now());
    const matched = await matchTotpAnswer(this.ports, answer, command.totpCode, 'unconfirmed');

    const { step, keys, now } = answer;
    const account = step.account;
    await this.pending.consume(step);
    const recoveryCodes = Array.from({ length: this.policy.recoveryCodeCount }, () =>
      formatRecoveryCode(randomBytes(RECOVERY_CODE_BYTES)),
    );
    // Chosen now so the enrolment's record is in the log of the session it opens.
    const sessionId = newSessionId();
    await this.unitOfWork.run(async (tx) => {
      await tx.accounts.confirmTotp(account.id, matched);
      await tx.accounts.replaceRecoveryCodes(
        account.id,
        recoveryCodes.map((c) => this.hasher.tokenHash(normaliseRecoveryCode(c) ?? c)),
      );
      await recordBeforeCommit(this.audit, [
        accountActionEntry({
          orgId: account.orgId,
          actor: accountActor(account.id),
          action: 'auth.mfa.enrolled',
          accountId: account.id,
          from: command.from,
          detail: { recoveryCodes: String(recoveryCodes.length) },
          sessionId,
        }),
      ]);
    });
    await this.throttle.reset(keys);

    const tokens = await this.issuer.issueSignIn({
      account: { ...account, mfaEnrolled: true },
      amr: [...step.amr, 'otp'],
      subjectPseudonym: null,
      now,
      from: command.from,
      sessionId,
    });
    return { tokens, recoveryCodes };
  }

  private get ports(): StepAnswerPorts {
    const { accounts, totp, pending, throttle, audit } = this;
    return { accounts, totp, pending, throttle, audit };
  }
}
