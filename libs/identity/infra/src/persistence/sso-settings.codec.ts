import type { SsoSettings } from '@ferry/identity/domain';
import { isRoleName } from '@ferry/platform/rbac';

/** The stored JSON form of an organisation's SSO settings. */
export function encodeSsoSettings(sso: SsoSettings): string {
  return JSON.stringify({
    entraTenantIds: [...sso.entraTenantIds],
    googleHostedDomains: [...sso.googleHostedDomains],
    allowedDomains: [...sso.allowedDomains],
    groupRoles: sso.groupRoles.map(({ group, role }) => ({ group, role })),
  });
}

/** Reads stored SSO settings back; a document that does not have the expected shape is refused. */
export function decodeSsoSettings(text: string): SsoSettings {
  const doc = JSON.parse(text) as Record<string, unknown>;
  const strings = (field: string): string[] => {
    const value = doc[field];
    if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
      throw new Error(`stored SSO settings: ${field} is not a list of strings`);
    }
    return value;
  };
  const groupRoles = doc['groupRoles'];
  if (!Array.isArray(groupRoles)) throw new Error('stored SSO settings: groupRoles is not a list');
  return {
    entraTenantIds: strings('entraTenantIds'),
    googleHostedDomains: strings('googleHostedDomains'),
    allowedDomains: strings('allowedDomains'),
    groupRoles: groupRoles.map((entry: unknown) => {
      const { group, role } = (entry ?? {}) as { group?: unknown; role?: unknown };
      if (typeof group !== 'string' || typeof role !== 'string' || !isRoleName(role)) {
        throw new Error('stored SSO settings: groupRoles has an invalid entry');
      }
      return { group, role };
    }),
  };
}
