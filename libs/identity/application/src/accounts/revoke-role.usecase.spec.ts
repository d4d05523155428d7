import { randomUUID } from 'node:crypto';
import type { Account, Session } from '@ferry/identity/domain';
import type { RoleName } from '@ferry/platform/rbac';
import { AuditUnavailableError, NotFoundError } from '../identity.errors';
import { anAccount, anOrganisation, createIdentityFakes, claimsFor } from '../testing/spec-support';
import { RevokeRoleUseCase } from './revoke-role.usecase';
import { RoleChangeCommand } from './role-change.command';
import { LastOrgAdminError } from './role-change.errors';

async function setUp(others: readonly (readonly RoleName[])[] = []) {
  const f = createIdentityFakes();
  const org = anOrganisation();
  const self = anAccount({ orgId: org.id, roles: ['org-admin', 'auditor'] });
  await f.accounts.insert(self, null);
  const accounts: Account[] = [];
  for (const roles of others) {
    const a = anAccount({ orgId: org.id, roles });
    await f.accounts.insert(a, null);
    accounts.push(a);
  }
  const now = f.clock.now();
  const session: Session = {
    id: randomUUID(),
    accountId: self.id,
    orgId: org.id,
    amr: ['pwd', 'otp'],
    subjectPseudonym: null,
    createdAt: now,
    lastUsedAt: now,
    idleExpiresAt: new Date(now.getTime() + 1_800_000),
    absoluteExpiresAt: new Date(now.getTime() + 43_200_000),
    revokedAt: null,
    revokeReason: null,
  };
  await f.sessions.insert(session, 'refresh-hash');
  const caller = claimsFor({ accountId: self.id, orgId: org.id, roles: self.roles });
  const useCase = new RevokeRoleUseCase(f.unitOfWork, f.audit, f.clock);
  const revoke = (accountId: string, role: RoleName, by = caller) =>
    useCase.execute(RoleChangeCommand.create({ caller: by, orgId: org.id, accountId, role }));
  return { f, org, self, others: accounts, session, caller, revoke };
}

const rolesOf = async (s: Awaited<ReturnType<typeof setUp>>, id: string) =>
  (await s.f.accounts.findById(s.org.id, id))?.roles;

describe('revoking a role', () => {
  it('removes the role, audits role.revoked with the target and the role, and ends its sessions', async () => {
    const s = await setUp();
    await s.revoke(s.self.id, 'auditor');
    expect(await rolesOf(s, s.self.id)).toEqual(['org-admin']);
    expect(s.f.audit.entries).toEqual([
      expect.objectContaining({
        action: 'role.revoked',
        target: { type: 'account', id: s.self.id },
        detail: { role: 'auditor' },
      }),
      expect.objectContaining({
        action: 'auth.session.ended',
        target: { type: 'session', id: s.session.id },
        detail: { reason: 'role-changed' },
      }),
    ]);
    expect(await s.f.sessions.findById(s.session.id)).toMatchObject({ revokeReason: 'role-changed' });
  });

  it("answers not found for another organisation's account", async () => {
    const s = await setUp();
    const stranger = anAccount({ orgId: randomUUID(), roles: ['org-admin', 'viewer'] });
    await s.f.accounts.insert(stranger, null);
    await expect(s.revoke(stranger.id, 'viewer')).rejects.toBeInstanceOf(NotFoundError);
    expect((await s.f.accounts.findById(stranger.orgId, stranger.id))?.roles).toEqual([
      'org-admin',
      'viewer',
    ]);
  });

  it("refuses to let the organisation's only org-admin revoke their own org-admin role", async () => {
    const s = await setUp([['viewer']]);
    await expect(s.revoke(s.self.id, 'org-admin')).rejects.toBeInstanceOf(LastOrgAdminError);
    expect(await rolesOf(s, s.self.id)).toEqual(['org-admin', 'auditor']);
    expect((await s.f.sessions.findById(s.session.id))?.revokedAt).toBeNull();
    expect(s.f.audit.entries).toEqual([]);
  });

  it('lets an org-admin step down when another org-admin remains', async () => {
    const s = await setUp([['org-admin']]);
    await s.revoke(s.self.id, 'org-admin');
    expect(await rolesOf(s, s.self.id)).toEqual(['auditor']);
  });

  it('refuses to remove the last org-admin whoever asks, e.g. a caller whose own org-admin role is already gone', async () => {
    const s = await setUp([['org-admin']]);
    const [other] = s.others;
    await s.revoke(s.self.id, 'org-admin');
    // The caller's token still lists org-admin for up to one access-token lifetime.
    await expect(s.revoke(other?.id ?? '', 'org-admin')).rejects.toBeInstanceOf(LastOrgAdminError);
    expect(await rolesOf(s, other?.id ?? '')).toEqual(['org-admin']);
  });

  it('refuses a revocation the audit trail does not take: the roles and the sessions stay as they were', async () => {
    const s = await setUp();
    s.f.audit.failing = true;
    const refused = s.revoke(s.self.id, 'auditor');
    await expect(refused).rejects.toBeInstanceOf(AuditUnavailableError);
    await expect(refused).rejects.toThrow('the audit trail is unavailable; the change was not applied');
    expect(await rolesOf(s, s.self.id)).toEqual(['org-admin', 'auditor']);
    expect((await s.f.sessions.findById(s.session.id))?.revokedAt).toBeNull();
  });

  it('changes and records nothing when the account does not hold the role', async () => {
    const s = await setUp();
    await s.revoke(s.self.id, 'viewer');
    expect(s.f.audit.entries).toEqual([]);
    expect((await s.f.sessions.findById(s.session.id))?.revokedAt).toBeNull();
  });
});
