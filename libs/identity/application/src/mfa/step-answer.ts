import type { PendingPurpose } from '@ferry/identity/domain';
import type { CallerInfo } from '../caller';
import { InvalidCredentialsError } from '../identity.errors';
import type { AccountRepository, IdentityAuditTrail, Totp } from '../identity.ports';
import type { OpenStep, PendingSteps } from '../signin/pending-steps.service';
import type { SignInThrottle, ThrottleKeys } from '../signin/sign-in-throttle';
import { refuseWrongAnswer } from './refuse-wrong-answer';

/** What answering a pending second-factor step needs from the ports. */
export interface StepAnswerPorts {
  readonly accounts: AccountRepository;
  readonly totp: Totp;
  readonly pending: PendingSteps;
  readonly throttle: SignInThrottle;
  readonly audit: IdentityAuditTrail;
}

/** A pending step being answered: the step, its throttle keys, and when and from where the answer came. */
export interface StepAnswer {
  readonly step: OpenStep;
  readonly keys: ThrottleKeys;
  readonly now: Date;
  readonly from: CallerInfo;
}

/**
 * Loads the live step for `token` and checks the throttles before any answer is looked at. An `mfa`
 * step needs an enrolled account and an `enrolment` step one not yet enrolled: a step whose account
 * changed state since it was opened is refused like an unknown one.
 */
export async function openStepAnswer(
  ports: StepAnswerPorts,
  purpose: PendingPurpose,
  request: { pendingToken: string; from: CallerInfo },
  now: Date,
): Promise<StepAnswer> {
  const { from } = request;
  const step = await ports.pending.load(request.pendingToken, purpose, now);
  if (step.account.mfaEnrolled !== (purpose === 'mfa')) throw new InvalidCredentialsError();
  const keys = ports.throttle.keys(step.account.loginName, from);
  await ports.throttle.check(keys, now);
  return { step, keys, now, from };
}

/**
 * Matches a TOTP code against the account's secret, which must be confirmed (`mfa`) or still
 * unconfirmed (`enrolment`); returns the matched time step, or refuses the answer.
 */
export async function matchTotpAnswer(
  ports: StepAnswerPorts,
  answer: StepAnswer,
  code: string,
  secret: 'confirmed' | 'unconfirmed',
): Promise<number> {
  const stored = await ports.accounts.readTotpSecret(answer.step.account.id);
  if (!stored || stored.enrolled !== (secret === 'confirmed'))
    return refuseWrongAnswer(ports, answer, 'no-totp-secret');
  const matched = ports.totp.match(stored.secret, code, answer.now);
  if (matched === null) return refuseWrongAnswer(ports, answer, 'bad-totp');
  return matched;
}
