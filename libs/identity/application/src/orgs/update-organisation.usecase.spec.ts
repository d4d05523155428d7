import { randomUUID } from 'node:crypto';
import { AuditUnavailableError, NotFoundError } from '../identity.errors';
import { claimsFor } from '../testing/spec-support';
import { signInFixture } from '../testing/sign-in.fixture';
import { UpdateOrganisationCommand } from './update-organisation.command';
import { UpdateOrganisationUseCase } from './update-organisation.usecase';

async function setUp() {
  const x = signInFixture();
  const org = await x.seedOrg({ mfaRequired: true });
  const caller = claimsFor({ orgId: org.id, roles: ['org-admin'] });
  const useCase = new UpdateOrganisationUseCase(x.f.unitOfWork, x.f.audit);
  const turnMfa = (mfaRequired: boolean, orgId = org.id) =>
    useCase.execute(UpdateOrganisationCommand.create({ caller, orgId, mfaRequired }));
  return { x, org, caller, turnMfa };
}

describe("changing an organisation's MFA requirement", () => {
  it('stores the setting and audits it with the new value only', async () => {
    const s = await setUp();
    expect(await s.turnMfa(false)).toMatchObject({ id: s.org.id, mfaRequired: false });
    expect((await s.x.f.organisations.findById(s.org.id))?.mfaRequired).toBe(false);
    expect(s.x.f.audit.withAction('org.settings.updated')).toEqual([
      expect.objectContaining({
        orgId: s.org.id,
        actor: { kind: 'account', id: s.caller.accountId },
        target: { type: 'organisation', id: s.org.id },
        detail: { mfaRequired: 'false' },
      }),
    ]);
  });

  it('cannot turn TOTP off for admins: with the requirement off, an org-admin still enrols while a viewer signs in', async () => {
    const s = await setUp();
    await s.turnMfa(false);
    const admin = await s.x.seedAccount(s.org, { roles: ['org-admin'] });
    const viewer = await s.x.seedAccount(s.org, { roles: ['viewer'] });
    expect((await s.x.signInAs(admin.loginName)).kind).toBe('enrolment-required');
    expect((await s.x.signInAs(viewer.loginName)).kind).toBe('session');
  });

  it("answers another organisation's settings as not found and changes nothing", async () => {
    const s = await setUp();
    const other = await s.x.seedOrg({ mfaRequired: true });
    await expect(s.turnMfa(false, other.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(s.turnMfa(false, randomUUID())).rejects.toBeInstanceOf(NotFoundError);
    expect((await s.x.f.organisations.findById(other.id))?.mfaRequired).toBe(true);
  });

  it('refuses a change the audit trail does not take: the previous value stays', async () => {
    const s = await setUp();
    s.x.f.audit.failing = true;
    const refused = s.turnMfa(false);
    await expect(refused).rejects.toBeInstanceOf(AuditUnavailableError);
    await expect(refused).rejects.toThrow('the audit trail is unavailable; the change was not applied');
    expect((await s.x.f.organisations.findById(s.org.id))?.mfaRequired).toBe(true);
  });

  it('changes the setting, for anyone to see, only once its record is stored', async () => {
    const s = await setUp();
    const seen: unknown[] = [];
    s.x.f.audit.beforeStoring = async () => {
      seen.push((await s.x.f.organisations.findById(s.org.id))?.mfaRequired);
    };
    await s.turnMfa(false);
    expect(seen).toEqual([true]);
    expect((await s.x.f.organisations.findById(s.org.id))?.mfaRequired).toBe(false);
  });
});
