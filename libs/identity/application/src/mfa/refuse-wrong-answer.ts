import { recordOrRaise } from '../audit-records';
import { InvalidCredentialsError } from '../identity.errors';
import type { IdentityAuditTrail } from '../identity.ports';
import type { PendingSteps } from '../signin/pending-steps.service';
import type { SignInThrottle } from '../signin/sign-in-throttle';
import type { StepAnswer } from './step-answer';

/** Why a second-factor answer was refused, as the audit record says. */
export type WrongAnswerReason = 'bad-totp' | 'totp-replayed' | 'bad-recovery-code' | 'no-totp-secret';

/**
 * Refuses a wrong second-factor answer: counted on the step (which dies at its limit) and on the
 * account and source throttles, whatever the audit trail's state; then audited; then the one
 * credentials error (AuditUnavailableError if the record could not be stored).
 */
export async function refuseWrongAnswer(
  deps: { pending: PendingSteps; throttle: SignInThrottle; audit: IdentityAuditTrail },
  answer: StepAnswer,
  reason: WrongAnswerReason,
): Promise<never> {
  const { step, keys, now, from } = answer;
  await deps.pending.recordWrongAnswer(step);
  const lockEntries = await deps.throttle.recordFailure(keys, now, {
    orgId: step.account.orgId,
    caller: from,
  });
  await recordOrRaise(deps.audit, [
    {
      orgId: step.account.orgId,
      actor: { kind: 'account', id: step.account.id },
      action: 'auth.mfa.challenge.failed',
      target: { type: 'account', id: step.account.id },
      outcome: 'failure',
      sourceAddress: from.sourceAddress,
      userAgent: from.userAgent,
      detail: { reason },
    },
    ...lockEntries,
  ]);
  throw new InvalidCredentialsError();
}
