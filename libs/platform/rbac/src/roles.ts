/** Ferry's roles. Every role but platform-admin is granted within one organisation. */
export const ROLES = ['platform-admin', 'org-admin', 'migration-operator', 'auditor', 'viewer'] as const;
export type RoleName = (typeof ROLES)[number];

/** Roles that always require TOTP, whatever the organisation's MFA setting says. */
export const ADMIN_ROLES: ReadonlySet<RoleName> = new Set(['platform-admin', 'org-admin']);

export function isRoleName(value: string): value is RoleName {
  return (ROLES as readonly string[]).includes(value);
}
