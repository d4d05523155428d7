import { AuditUnavailableError, InvalidCommandError } from '../identity.errors';
import { AlreadyExistsError } from '../identity.ports';
import {
  createIdentityFakes,
  type IdentityFakes,
  claimsFor,
  reachableStrings,
} from '../testing/spec-support';
import { CreateOrganisationCommand } from './create-organisation.command';
import { CreateOrganisationUseCase } from './create-organisation.usecase';

const PASSWORD = 'Harbour-Lantern-42';
const platformAdmin = claimsFor({ orgId: null, roles: ['platform-admin'] });

const command = (overrides: { name?: string; loginName?: string; password?: string } = {}) =>
  CreateOrganisationCommand.create({
    caller: platformAdmin,
    name: overrides.name ?? '  Contoso Ltd ',
    admin: {
      loginName: overrides.loginName ?? ' IT.Admin@Contoso ',
      displayName: 'IT Admin',
      password: overrides.password ?? PASSWORD,
    },
    sourceAddress: '203.0.113.7',
    userAgent: 'console/1.0',
  });

const useCase = (f: IdentityFakes) =>
  new CreateOrganisationUseCase(f.accounts, f.passwordHasher, f.unitOfWork, f.audit, f.clock);

const violationsOf = (build: () => unknown): { field: string; reason: string }[] => {
  try {
    build();
  } catch (err) {
    if (err instanceof InvalidCommandError) return [...err.violations];
    throw err;
  }
  throw new Error('expected InvalidCommandError');
};

describe('creating an organisation', () => {
  it('creates the organisation with MFA required and SSO off, and its first org-admin who must enrol TOTP', async () => {
    const f = createIdentityFakes();
    const { organisation, admin } = await useCase(f).execute(command());

    expect(await f.organisations.findById(organisation.id)).toEqual({
      id: organisation.id,
      name: 'Contoso Ltd',
      mfaRequired: true,
      sso: { entraTenantIds: [], googleHostedDomains: [], allowedDomains: [], groupRoles: [] },
      createdAt: f.clock.now(),
    });
    expect(await f.accounts.findById(organisation.id, admin.id)).toMatchObject({
      orgId: organisation.id,
      loginName: 'it.admin@contoso',
      displayName: 'IT Admin',
      roles: ['org-admin'],
      mfaEnrolled: false,
      federated: null,
    });
  });

  it('stores only a hash of the initial password', async () => {
    const f = createIdentityFakes();
    const { admin } = await useCase(f).execute(command());
    expect(f.accounts.stored(admin.id)?.passwordHash).toBe(f.passwordHasher.hashSync(PASSWORD));
    expect(reachableStrings(f.accounts, f.organisations, f.audit).join('\n')).not.toContain(PASSWORD);
  });

  it('audits org.created, account.created and role.granted as the platform admin', async () => {
    const f = createIdentityFakes();
    const { organisation, admin } = await useCase(f).execute(command());
    expect(f.audit.entries).toEqual([
      expect.objectContaining({
        action: 'org.created',
        orgId: organisation.id,
        target: { type: 'organisation', id: organisation.id },
      }),
      expect.objectContaining({
        action: 'account.created',
        orgId: organisation.id,
        target: { type: 'account', id: admin.id },
      }),
      expect.objectContaining({
        action: 'role.granted',
        target: { type: 'account', id: admin.id },
        detail: { role: 'org-admin' },
      }),
    ]);
    for (const entry of f.audit.entries) {
      expect(entry).toMatchObject({
        actor: { kind: 'account', id: platformAdmin.accountId },
        outcome: 'success',
        sourceAddress: '203.0.113.7',
      });
    }
  });

  it('refuses an empty or over-long organisation name', () => {
    expect(violationsOf(() => command({ name: '   ' }))).toEqual([{ field: 'name', reason: 'required' }]);
    expect(violationsOf(() => command({ name: 'x'.repeat(101) })).map((v) => v.field)).toEqual(['name']);
    expect(() => command({ name: 'x'.repeat(100) })).not.toThrow();
  });

  it('refuses a short, common or login-name password for the admin, naming the field but not the value', () => {
    for (const password of ['Tiny-7', 'password123', 'it.admin@contoso']) {
      const violations = violationsOf(() => command({ password }));
      expect(violations.map((v) => v.field)).toEqual(['admin.password']);
      expect(JSON.stringify(violations)).not.toContain(password);
    }
  });

  it('accepts an 8-character admin password, since org-admins always use MFA', () => {
    expect(() => command({ password: 'qv7#Lm2x' })).not.toThrow();
  });

  it('refuses an admin login name outside the allowed characters', () => {
    expect(
      violationsOf(() => command({ loginName: "admin'; drop table accounts;--" })).map((v) => v.field),
    ).toEqual(['admin.loginName']);
    expect(violationsOf(() => command({ loginName: 'аdmin' })).map((v) => v.field)).toEqual([
      'admin.loginName',
    ]);
  });

  it('refuses a taken admin login name before hashing, and creates no organisation', async () => {
    const f = createIdentityFakes();
    await useCase(f).execute(command({ name: 'First' }));
    const hashesBefore = f.passwordHasher.calls.hash;
    await expect(useCase(f).execute(command({ name: 'Second' }))).rejects.toBeInstanceOf(AlreadyExistsError);
    expect(f.passwordHasher.calls.hash).toBe(hashesBefore);
    expect(reachableStrings(f.organisations)).not.toContain('Second');
  });

  it('creates no organisation when the admin insert loses a race for the login name', async () => {
    const f = createIdentityFakes();
    const racing = useCase(f);
    const [first, second] = await Promise.allSettled([
      racing.execute(command({ name: 'First' })),
      racing.execute(command({ name: 'Second' })),
    ]);
    expect([first.status, second.status].sort()).toEqual(['fulfilled', 'rejected']);
    const names = reachableStrings(f.organisations);
    expect(names.filter((n) => n === 'First' || n === 'Second')).toHaveLength(1);
  });

  it('leaves neither organisation nor account behind when the audit trail is down', async () => {
    const f = createIdentityFakes();
    f.audit.failing = true;
    await expect(useCase(f).execute(command())).rejects.toBeInstanceOf(AuditUnavailableError);
    expect(await f.accounts.findByLoginName('it.admin@contoso')).toBeNull();
    expect(reachableStrings(f.organisations)).not.toContain('Contoso Ltd');
  });

  it('creates nothing when only a later audit record fails', async () => {
    const f = createIdentityFakes();
    f.audit.failWhen = (e) => e.action === 'role.granted';
    await expect(useCase(f).execute(command())).rejects.toThrow(
      'the audit trail is unavailable; the change was not applied',
    );
    const orgId = f.audit.withAction('org.created')[0]?.target.id ?? '';
    expect(await f.organisations.findById(orgId)).toBeNull();
    expect(await f.accounts.findByLoginName('it.admin@contoso')).toBeNull();
  });

  it('creates the organisation and its admin, for anyone to see, only once their records are stored', async () => {
    const f = createIdentityFakes();
    const seen: unknown[] = [];
    let orgId = '';
    f.audit.beforeStoring = async (entry) => {
      if (entry.action === 'org.created') orgId = entry.target.id;
      seen.push([
        await f.organisations.findById(orgId),
        await f.accounts.findByLoginName('it.admin@contoso'),
      ]);
    };
    await useCase(f).execute(command());
    expect(seen).toEqual([
      [null, null],
      [null, null],
      [null, null],
    ]);
    expect(await f.organisations.findById(orgId)).not.toBeNull();
  });
});
