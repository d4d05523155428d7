import { normaliseLoginName } from '@ferry/identity/domain';
import { type CallerInfo, callerInfo } from '../caller';
import { Violations } from '../input-checks';

/**
 * A validated password sign-in attempt. Only the login name's shape is checked here (a malformed
 * name cannot belong to any account, so refusing it reveals nothing); the password is checked by
 * the use case, so an oversized one is counted as a failed attempt.
 */
export class SignInWithPasswordCommand {
  private constructor(
    /** Normalised. */
    readonly loginName: string,
    readonly password: string,
    readonly from: CallerInfo,
  ) {}

  static create(input: {
    loginName: string;
    password: string;
    sourceAddress?: string | null;
    userAgent?: string | null;
  }): SignInWithPasswordCommand {
    const violations = new Violations();
    const loginName = normaliseLoginName(input.loginName);
    if (!loginName.ok) violations.add('loginName', loginName.reason);
    if (typeof input.password !== 'string' || input.password.length === 0)
      violations.add('password', 'required');
    violations.throwIfAny();
    return new SignInWithPasswordCommand(
      loginName.ok ? loginName.value : '',
      input.password,
      callerInfo(input),
    );
  }
}
