import { type CallerInfo, callerInfo } from '../caller';
import { Violations } from '../input-checks';
import { checkOpaqueToken } from '../signin/secret-inputs';

/** A validated request to begin TOTP enrolment on an `enrolment-required` step. */
export class StartEnrolmentCommand {
  private constructor(
    readonly pendingToken: string,
    readonly from: CallerInfo,
  ) {}

  static create(input: {
    pendingToken: string;
    sourceAddress?: string | null;
    userAgent?: string | null;
  }): StartEnrolmentCommand {
    const violations = new Violations();
    const pendingToken = checkOpaqueToken(input.pendingToken, 'pendingToken', violations);
    violations.throwIfAny();
    return new StartEnrolmentCommand(pendingToken, callerInfo(input));
  }
}
