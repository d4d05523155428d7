import { grants, PERMISSIONS, type Permission, ROLE_PERMISSIONS } from './permissions';
import { ROLES } from './roles';

describe('role permissions', () => {
  it('gives platform-admin no organisation permission, so it reads no customer data', () => {
    const orgPermissions = (Object.keys(PERMISSIONS) as Permission[]).filter((p) => !p.startsWith('platform.'));
    expect(orgPermissions.filter((p) => grants(['platform-admin'], p))).toEqual([]);
  });

  it('lets only org-admin and auditor read the audit trail', () => {
    expect(ROLES.filter((r) => grants([r], 'audit.read'))).toEqual(['org-admin', 'auditor']);
  });

  it('keeps auditor and viewer read-only', () => {
    const writes: Permission[] = ['org.manage', 'accounts.manage', 'roles.manage', 'sessions.revoke', 'mfa.reset', 'connectors.manage', 'migration.run'];
    for (const role of ['auditor', 'viewer'] as const) expect(writes.filter((p) => grants([role], p))).toEqual([]);
  });

  it('denies by default: unknown roles and an empty role list grant nothing', () => {
    expect(grants([], 'org.read')).toBe(false);
    expect(grants(['superuser', '__proto__', 'constructor'], 'org.read')).toBe(false);
  });

  it('names only catalogued permissions in the role table', () => {
    for (const perms of Object.values(ROLE_PERMISSIONS)) for (const p of perms) expect(Object.keys(PERMISSIONS)).toContain(p);
  });
});
