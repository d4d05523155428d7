import { randomUUID } from 'node:crypto';
import type { Account, Session } from '@ferry/identity/domain';
import { AuditUnavailableError, InvalidCommandError, NotFoundError } from '../identity.errors';
import { anAccount, anOrganisation, createIdentityFakes, claimsFor } from '../testing/spec-support';
import { GrantRoleUseCase } from './grant-role.usecase';
import { RoleChangeCommand } from './role-change.command';

async function setUp() {
  const f = createIdentityFakes();
  const org = anOrganisation();
  const target = anAccount({ orgId: org.id, roles: ['viewer'] });
  await f.accounts.insert(target, null);
  const session = liveSession(target, f.clock.now());
  await f.sessions.insert(session, 'refresh-hash');
  const admin = claimsFor({ orgId: org.id, roles: ['org-admin'] });
  return {
    f,
    org,
    target,
    session,
    admin,
    useCase: new GrantRoleUseCase(f.unitOfWork, f.audit, f.clock),
  };
}

function liveSession(account: Account, now: Date): Session {
  return {
    id: randomUUID(),
    accountId: account.id,
    orgId: account.orgId,
    amr: ['pwd'],
    subjectPseudonym: null,
    createdAt: now,
    lastUsedAt: now,
    idleExpiresAt: new Date(now.getTime() + 1_800_000),
    absoluteExpiresAt: new Date(now.getTime() + 43_200_000),
    revokedAt: null,
    revokeReason: null,
  };
}

const grant = (
  s: Awaited<ReturnType<typeof setUp>>,
  role: string,
  accountId = s.target.id,
  orgId = s.org.id,
) =>
  s.useCase.execute(
    RoleChangeCommand.create({ caller: s.admin, orgId, accountId, role, sourceAddress: '198.51.100.4' }),
  );

describe('granting a role', () => {
  it("adds the role to an account of the caller's organisation, in catalogue order", async () => {
    const s = await setUp();
    const updated = await grant(s, 'migration-operator');
    expect(updated.roles).toEqual(['migration-operator', 'viewer']);
    expect((await s.f.accounts.findById(s.org.id, s.target.id))?.roles).toEqual([
      'migration-operator',
      'viewer',
    ]);
  });

  it("audits role.granted with the target account and the role in the admin's session, then the session it ended", async () => {
    const s = await setUp();
    await grant(s, 'auditor');
    const common = {
      orgId: s.org.id,
      actor: { kind: 'account', id: s.admin.accountId },
      outcome: 'success',
      sourceAddress: '198.51.100.4',
      userAgent: '',
    };
    expect(s.f.audit.entries).toEqual([
      {
        ...common,
        action: 'role.granted',
        target: { type: 'account', id: s.target.id },
        detail: { role: 'auditor' },
        sessionId: s.admin.sessionId,
      },
      {
        ...common,
        action: 'auth.session.ended',
        target: { type: 'session', id: s.session.id },
        detail: { reason: 'role-changed' },
        sessionId: s.session.id,
      },
    ]);
  });

  it("ends the account's sessions with reason role-changed, so the change holds now", async () => {
    const s = await setUp();
    await grant(s, 'org-admin');
    expect(await s.f.sessions.findById(s.session.id)).toMatchObject({
      revokedAt: s.f.clock.now(),
      revokeReason: 'role-changed',
    });
  });

  it("answers not found for another organisation's account, changing nothing", async () => {
    const s = await setUp();
    const stranger = anAccount({ orgId: randomUUID(), roles: ['viewer'] });
    await s.f.accounts.insert(stranger, null);
    await expect(grant(s, 'org-admin', stranger.id)).rejects.toBeInstanceOf(NotFoundError);
    expect((await s.f.accounts.findById(stranger.orgId, stranger.id))?.roles).toEqual(['viewer']);
    expect(s.f.audit.entries).toEqual([]);
  });

  it("answers not found when the request names another organisation than the caller's token", async () => {
    const s = await setUp();
    await expect(grant(s, 'auditor', s.target.id, randomUUID())).rejects.toBeInstanceOf(NotFoundError);
  });

  it('refuses to grant platform-admin or an unknown role', () => {
    const input = {
      caller: claimsFor({ orgId: randomUUID(), roles: ['org-admin'] }),
      orgId: randomUUID(),
      accountId: randomUUID(),
    };
    expect(() => RoleChangeCommand.create({ ...input, role: 'platform-admin' })).toThrow(InvalidCommandError);
    expect(() => RoleChangeCommand.create({ ...input, role: 'root' })).toThrow(InvalidCommandError);
  });

  it('changes and records nothing when the account already holds the role', async () => {
    const s = await setUp();
    await grant(s, 'viewer');
    expect(s.f.audit.entries).toEqual([]);
    expect((await s.f.sessions.findById(s.session.id))?.revokedAt).toBeNull();
  });

  it('refuses a grant the audit trail does not take: the roles and the sessions stay as they were', async () => {
    const s = await setUp();
    s.f.audit.failing = true;
    const refused = grant(s, 'org-admin');
    await expect(refused).rejects.toBeInstanceOf(AuditUnavailableError);
    await expect(refused).rejects.toThrow('the audit trail is unavailable; the change was not applied');
    expect((await s.f.accounts.findById(s.org.id, s.target.id))?.roles).toEqual(['viewer']);
    expect((await s.f.sessions.findById(s.session.id))?.revokedAt).toBeNull();
  });

  it('is not applied, for anyone to see, until its records are stored', async () => {
    const s = await setUp();
    const seen: unknown[] = [];
    s.f.audit.beforeStoring = async () => {
      seen.push([
        (await s.f.accounts.findById(s.org.id, s.target.id))?.roles,
        (await s.f.sessions.findById(s.session.id))?.revokedAt,
      ]);
    };
    await grant(s, 'auditor');
    expect(seen).toEqual([
      [['viewer'], null],
      [['viewer'], null],
    ]);
    expect((await s.f.accounts.findById(s.org.id, s.target.id))?.roles).toEqual(['auditor', 'viewer']);
  });
});
