import { type CallerInfo, callerInfo } from '../caller';
import { Violations } from '../input-checks';
import { checkOpaqueToken } from '../signin/secret-inputs';

/** A validated refresh request; the token's shape is checked, never echoed. */
export class RefreshCommand {
  private constructor(
    readonly refreshToken: string,
    readonly from: CallerInfo,
  ) {}

  static create(input: {
    refreshToken: string;
    sourceAddress?: string | null;
    userAgent?: string | null;
  }): RefreshCommand {
    const violations = new Violations();
    const refreshToken = checkOpaqueToken(input.refreshToken, 'refreshToken', violations);
    violations.throwIfAny();
    return new RefreshCommand(refreshToken, callerInfo(input));
  }
}
