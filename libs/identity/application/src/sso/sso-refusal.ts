import type { SsoProviderName } from '@ferry/identity/domain';
import type { CallerInfo } from '../caller';
import { AuditUnavailableError } from '../identity.errors';
import { type IdentityAuditTrail, SsoRejectedError } from '../identity.ports';
import { ANONYMOUS_ACTOR } from '../signin/sign-in-throttle';

/** Why identity itself refused a single sign-on; the relying party adds its own codes (bad code, bad token, ...). */
export type SsoRefusalReason =
  | 'unknown-organisation'
  | 'provider-not-enabled'
  | 'provider-not-configured'
  | 'tenant-not-allowed'
  | 'hosted-domain-not-allowed'
  | 'principal-domain-not-allowed'
  | 'missing-state'
  | 'unknown-state'
  | 'binding-mismatch'
  | 'no-mapped-group'
  | 'account-in-other-organisation'
  | 'provider-unavailable';

/**
 * Audits auth.sso.failed with the reason and an anonymous actor (a refused flow has no signed-in
 * account, and the principal, state and binding are never named) and returns the
 * SsoRejectedError to throw. If even the refusal cannot be audited, AuditUnavailableError is raised
 * instead; the flow is refused either way.
 */
export async function ssoRefusal(
  audit: IdentityAuditTrail,
  refusal: { orgId: string | null; provider: SsoProviderName | null; reason: string; from: CallerInfo },
): Promise<SsoRejectedError> {
  try {
    await audit.record({
      orgId: refusal.orgId,
      actor: ANONYMOUS_ACTOR,
      action: 'auth.sso.failed',
      target: { type: 'organisation', id: refusal.orgId ?? '' },
      outcome: 'failure',
      sourceAddress: refusal.from.sourceAddress,
      userAgent: refusal.from.userAgent,
      detail: { reason: refusal.reason, ...(refusal.provider ? { provider: refusal.provider } : {}) },
    });
  } catch {
    throw new AuditUnavailableError();
  }
  return new SsoRejectedError(refusal.reason);
}
