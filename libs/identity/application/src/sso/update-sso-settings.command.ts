import type { SsoSettings } from '@ferry/identity/domain';
import { isRoleName, type AccessClaims, type RoleName } from '@ferry/platform/rbac';
import { type CallerInfo, callerInfo } from '../caller';
import { isDnsName, isUuid, Violations } from '../input-checks';

/** Bounds on one organisation's SSO settings, so a request cannot make every sign-in scan a huge list. */
export const SSO_LIMITS = { tenants: 20, domains: 20, groupRoles: 100, groupLength: 256 } as const;

/** The settings as a client sends them, before checking. */
export interface SsoSettingsInput {
  readonly entraTenantIds?: readonly string[];
  readonly googleHostedDomains?: readonly string[];
  readonly allowedDomains?: readonly string[];
  readonly groupRoles?: readonly { readonly group: string; readonly role: string }[];
}

/**
 * A validated replacement of an organisation's SSO settings: Entra tenant ids as lower-case UUIDs,
 * hosted and allowed domains as lower-case DNS names (IDNs in punycode), group mappings to
 * organisation roles only, duplicates dropped, every list bounded (SSO_LIMITS). Enabling a provider
 * needs at least one allowed domain and one group mapping, or every sign-in would be refused.
 */
export class UpdateSsoSettingsCommand {
  private constructor(
    readonly caller: AccessClaims,
    readonly orgId: string,
    readonly settings: SsoSettings,
    readonly from: CallerInfo,
  ) {}

  static create(input: {
    caller: AccessClaims;
    /** The organisation the request names; must be the caller's. */
    orgId: string;
    settings: SsoSettingsInput;
    sourceAddress?: string | null;
    userAgent?: string | null;
  }): UpdateSsoSettingsCommand {
    const violations = new Violations();
    if (!isUuid(input.orgId)) violations.add('orgId', 'must be a UUID');
    const s = input.settings;
    const entraTenantIds = checkList(
      s.entraTenantIds,
      'entraTenantIds',
      SSO_LIMITS.tenants,
      violations,
      isUuid,
      'must be a UUID',
    );
    const googleHostedDomains = checkList(
      s.googleHostedDomains,
      'googleHostedDomains',
      SSO_LIMITS.domains,
      violations,
      isDnsName,
      'must be a DNS name',
    );
    const allowedDomains = checkList(
      s.allowedDomains,
      'allowedDomains',
      SSO_LIMITS.domains,
      violations,
      isDnsName,
      'must be a DNS name',
    );
    const groupRoles = checkGroupRoles(s.groupRoles ?? [], violations);
    if (entraTenantIds.length > 0 || googleHostedDomains.length > 0) {
      if (allowedDomains.length === 0 && !violations.list.some((v) => v.field.startsWith('allowedDomains'))) {
        violations.add('allowedDomains', 'at least one domain is required while a provider is enabled');
      }
      if (groupRoles.length === 0 && !violations.list.some((v) => v.field.startsWith('groupRoles'))) {
        violations.add('groupRoles', 'at least one group mapping is required while a provider is enabled');
      }
    }
    violations.throwIfAny();
    return new UpdateSsoSettingsCommand(
      input.caller,
      input.orgId.toLowerCase(),
      { entraTenantIds, googleHostedDomains, allowedDomains, groupRoles },
      callerInfo(input),
    );
  }
}

/** Trims, lower-cases, checks and de-duplicates one list; the bound is checked first, so an oversized list costs nothing. */
function checkList(
  raw: readonly string[] | undefined,
  field: string,
  max: number,
  violations: Violations,
  valid: (value: string) => boolean,
  reason: string,
): string[] {
  const list = raw ?? [];
  if (list.length > max) {
    violations.add(field, `at most ${max} entries`);
    return [];
  }
  const out: string[] = [];
  list.forEach((entry, i) => {
    const value = entry.trim().toLowerCase();
    if (!valid(value)) violations.add(`${field}[${i}]`, reason);
    else if (!out.includes(value)) out.push(value);
  });
  return out;
}

function checkGroupRoles(
  raw: readonly { group: string; role: string }[],
  violations: Violations,
): { group: string; role: RoleName }[] {
  if (raw.length > SSO_LIMITS.groupRoles) {
    violations.add('groupRoles', `at most ${SSO_LIMITS.groupRoles} entries`);
    return [];
  }
  const out: { group: string; role: RoleName }[] = [];
  raw.forEach((mapping, i) => {
    // Entra object ids and Google group addresses both compare case-insensitively.
    const group = mapping.group.trim().toLowerCase();
    if (group.length === 0 || group.length > SSO_LIMITS.groupLength || /\p{Cc}/u.test(group)) {
      violations.add(
        `groupRoles[${i}].group`,
        `1-${SSO_LIMITS.groupLength} characters, no control characters`,
      );
    }
    const role = mapping.role;
    if (!isRoleName(role)) violations.add(`groupRoles[${i}].role`, 'must be a known role');
    else if (role === 'platform-admin')
      violations.add(`groupRoles[${i}].role`, 'platform-admin cannot be granted through single sign-on');
    else if (!out.some((m) => m.group === group && m.role === role)) out.push({ group, role });
  });
  return out;
}
