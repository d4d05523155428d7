import type { RoleName } from './roles';

/**
 * Every permission Ferry checks, by name. A handler names the one it needs; anything not granted
 * here is denied. `platform.*` permissions are installation-wide; all others hold within the
 * organisation of the caller's token only.
 */
export const PERMISSIONS = {
  'platform.orgs.manage': 'create organisations and their first org-admin',
  'org.read': "read the organisation's settings",
  'org.manage': "change the organisation's settings, including single sign-on",
  'accounts.read': "list the organisation's accounts and their roles",
  'accounts.manage': 'create and change accounts',
  'roles.manage': 'grant and revoke roles',
  'sessions.revoke': "end an account's sessions",
  'mfa.reset': "clear an account's TOTP enrolment and recovery codes",
  'connectors.read': "read connectors' metadata (never their secrets)",
  'connectors.manage': 'create, change, test and delete connectors and their secrets',
  'migration.read': 'read projects, passes and their progress',
  'migration.run': 'create projects, import user mappings and run passes',
  'reports.read': 'read job reports',
  'audit.read': "read and export the organisation's audit trail",
} as const;
export type Permission = keyof typeof PERMISSIONS;

const ORG_ADMIN: readonly Permission[] = [
  'org.read',
  'org.manage',
  'accounts.read',
  'accounts.manage',
  'roles.manage',
  'sessions.revoke',
  'mfa.reset',
  'connectors.read',
  'connectors.manage',
  'migration.read',
  'migration.run',
  'reports.read',
  'audit.read',
];

/** What each role may do. platform-admin holds no organisation permission: it sees no customer data. */
export const ROLE_PERMISSIONS: Readonly<Record<RoleName, readonly Permission[]>> = {
  'platform-admin': ['platform.orgs.manage'],
  'org-admin': ORG_ADMIN,
  'migration-operator': ['org.read', 'connectors.read', 'migration.read', 'migration.run', 'reports.read'],
  auditor: ['org.read', 'audit.read', 'reports.read'],
  viewer: ['org.read', 'connectors.read', 'migration.read', 'reports.read'],
};

/** Whether any of `roles` grants `permission`. Unknown roles grant nothing. */
export function grants(roles: readonly string[], permission: Permission): boolean {
  // Own properties only: a role named "constructor" or "__proto__" must not reach Object.prototype.
  return roles.some((r) => Object.hasOwn(ROLE_PERMISSIONS, r) && ROLE_PERMISSIONS[r as RoleName].includes(permission));
}
