import { type CallerInfo, callerInfo } from '../caller';
import { Violations } from '../input-checks';
import { checkOpaqueToken, checkTotpCode } from '../signin/secret-inputs';

/** A validated first TOTP code for an `enrolment-required` step. */
export class VerifyEnrolmentCommand {
  private constructor(
    readonly pendingToken: string,
    readonly totpCode: string,
    readonly from: CallerInfo,
  ) {}

  static create(input: {
    pendingToken: string;
    totpCode: string;
    sourceAddress?: string | null;
    userAgent?: string | null;
  }): VerifyEnrolmentCommand {
    const violations = new Violations();
    const pendingToken = checkOpaqueToken(input.pendingToken, 'pendingToken', violations);
    const totpCode = checkTotpCode(input.totpCode, 'totpCode', violations);
    violations.throwIfAny();
    return new VerifyEnrolmentCommand(pendingToken, totpCode, callerInfo(input));
  }
}
