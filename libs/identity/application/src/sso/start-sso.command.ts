import type { SsoProviderName } from '@ferry/identity/domain';
import { type CallerInfo, callerInfo } from '../caller';
import { isDnsName, isUuid, Violations } from '../input-checks';

/**
 * A validated request to begin an OIDC sign-in for one organisation. `hint` optionally picks the
 * Entra tenant (a UUID) or Google hosted domain to sign in to; it must be in the organisation's
 * allow-list, which the use case checks.
 */
export class StartSsoCommand {
  private constructor(
    readonly orgId: string,
    readonly provider: SsoProviderName,
    readonly hint: string | null,
    readonly from: CallerInfo,
  ) {}

  static create(input: {
    orgId: string;
    provider: string;
    hint?: string | null;
    sourceAddress?: string | null;
    userAgent?: string | null;
  }): StartSsoCommand {
    const violations = new Violations();
    if (!isUuid(input.orgId)) violations.add('orgId', 'must be a UUID');
    const provider = input.provider;
    if (provider !== 'entra' && provider !== 'google') violations.add('provider', 'must be entra or google');
    const hint = (input.hint ?? '').trim().toLowerCase();
    if (hint.length > 0) {
      if (provider === 'entra' && !isUuid(hint)) violations.add('hint', 'must be an Entra tenant id (UUID)');
      if (provider === 'google' && !isDnsName(hint)) violations.add('hint', 'must be a Google hosted domain');
    }
    violations.throwIfAny();
    return new StartSsoCommand(
      input.orgId.toLowerCase(),
      provider as SsoProviderName,
      hint.length > 0 ? hint : null,
      callerInfo(input),
    );
  }
}
