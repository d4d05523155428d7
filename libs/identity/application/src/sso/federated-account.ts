import { randomBytes } from 'node:crypto';
import {
  DISPLAY_NAME_MAX,
  type Organisation,
  type SsoProviderName,
  type SsoSettings,
  validateDisplayName,
} from '@ferry/identity/domain';
import type { RoleName } from '@ferry/platform/rbac';
import { sortRoles } from '../accounts/account-fields';

/** Shown when the provider's name claim is empty or unusable. */
export const FALLBACK_FEDERATED_DISPLAY_NAME = 'Federated user';

// Controls and bidi overrides, which validateDisplayName refuses; a provider's claim is cleaned, not refused.
const UNSAFE_IN_NAME = /[\p{Cc}\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;

/**
 * A login name for an account first seen at SSO sign-in: the provider and 12 random hex digits.
 * Deliberately not the email or UPN, which must not be stored and may change.
 */
export function federatedLoginName(provider: SsoProviderName): string {
  return `${provider}-${randomBytes(6).toString('hex')}`;
}

/** The provider's display name, cleaned of control characters and cut to 100 code points. */
export function federatedDisplayName(raw: string): string {
  const cleaned = raw.normalize('NFC').replace(UNSAFE_IN_NAME, ' ').replace(/\s+/gu, ' ').trim();
  const checked = validateDisplayName([...cleaned].slice(0, DISPLAY_NAME_MAX).join(''));
  return checked.ok ? checked.value : FALLBACK_FEDERATED_DISPLAY_NAME;
}

/** The Ferry roles the user's groups map to, in catalogue order; empty when no group is mapped. */
export function mappedRoles(groupRoles: SsoSettings['groupRoles'], groups: readonly string[]): RoleName[] {
  const member = new Set(groups.map((g) => g.trim().toLowerCase()));
  return sortRoles(
    groupRoles.filter((m) => member.has(m.group) && m.role !== 'platform-admin').map((m) => m.role),
  );
}

/**
 * Whether the principal's domain is one of `allowedDomains`. Exact domain only: `user@sub.contoso.com`
 * does not pass for `contoso.com`, so an organisation lists each domain it means.
 */
export function principalDomainAllowed(principal: string, allowedDomains: readonly string[]): boolean {
  const at = principal.lastIndexOf('@');
  if (at <= 0) return false;
  const domain = principal
    .slice(at + 1)
    .trim()
    .toLowerCase();
  return domain.length > 0 && allowedDomains.includes(domain);
}

/** The organisation's allow-list for a provider; empty means the provider is off for it. */
export function allowedFor(org: Organisation, provider: SsoProviderName): readonly string[] {
  switch (provider) {
    case 'entra':
      return org.sso.entraTenantIds;
    case 'google':
      return org.sso.googleHostedDomains;
  }
}
