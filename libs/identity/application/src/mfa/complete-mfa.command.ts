import { normaliseRecoveryCode } from '@ferry/identity/domain';
import { type CallerInfo, callerInfo } from '../caller';
import { Violations } from '../input-checks';
import { checkOpaqueToken, checkTotpCode } from '../signin/secret-inputs';

/** The second factor offered: a TOTP code, or one recovery code in its canonical form. */
export type MfaAnswer =
  { readonly kind: 'totp'; readonly code: string } | { readonly kind: 'recovery'; readonly code: string };

/** A validated answer to an `mfa-required` step: exactly one of a TOTP code or a recovery code. */
export class CompleteMfaCommand {
  private constructor(
    readonly pendingToken: string,
    readonly answer: MfaAnswer,
    readonly from: CallerInfo,
  ) {}

  static create(input: {
    pendingToken: string;
    totpCode?: string | null;
    recoveryCode?: string | null;
    sourceAddress?: string | null;
    userAgent?: string | null;
  }): CompleteMfaCommand {
    const violations = new Violations();
    const pendingToken = checkOpaqueToken(input.pendingToken, 'pendingToken', violations);
    const hasTotp = (input.totpCode ?? '') !== '';
    const hasRecovery = (input.recoveryCode ?? '') !== '';
    let answer: MfaAnswer = { kind: 'totp', code: '' };
    if (hasTotp === hasRecovery) {
      violations.add('totpCode', 'exactly one of totpCode and recoveryCode is required');
    } else if (hasTotp) {
      answer = { kind: 'totp', code: checkTotpCode(input.totpCode, 'totpCode', violations) };
    } else {
      const code = normaliseRecoveryCode(input.recoveryCode ?? '');
      if (code === null)
        violations.add('recoveryCode', 'must be 10 characters of Crockford base32 (xxxxx-xxxxx)');
      answer = { kind: 'recovery', code: code ?? '' };
    }
    violations.throwIfAny();
    return new CompleteMfaCommand(pendingToken, answer, callerInfo(input));
  }
}
