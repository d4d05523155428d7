import type { Organisation } from '@ferry/identity/domain';
import { AuditUnavailableError, InvalidCommandError, NotFoundError } from '../identity.errors';
import { AlreadyExistsError } from '../identity.ports';
import { anOrganisation, createIdentityFakes, claimsFor, reachableStrings } from '../testing/spec-support';
import { CreateAccountCommand } from './create-account.command';
import { CreateAccountUseCase } from './create-account.usecase';

const SHORT_PASSWORD = 'qv7#Lm2x-k'; // 10 characters: enough with MFA, too short without
const LONG_PASSWORD = 'correct-horse-battery-staple-42';

async function setUp(org: Partial<Organisation> = {}) {
  const f = createIdentityFakes();
  const organisation = anOrganisation(org);
  await f.organisations.insert(organisation);
  const admin = claimsFor({ orgId: organisation.id, roles: ['org-admin'] });
  return {
    f,
    organisation,
    admin,
    useCase: new CreateAccountUseCase(
      f.organisations,
      f.accounts,
      f.passwordHasher,
      f.unitOfWork,
      f.audit,
      f.clock,
    ),
  };
}

type Input = Parameters<typeof CreateAccountCommand.create>[0];
const command = (
  base: { admin: Input['caller']; organisation: Organisation },
  overrides: Partial<Input> = {},
) =>
  CreateAccountCommand.create({
    caller: base.admin,
    orgId: base.organisation.id,
    loginName: 'Operator.One',
    displayName: 'Migration operator',
    roles: ['migration-operator'],
    password: LONG_PASSWORD,
    ...overrides,
  });

const violationFields = (build: () => unknown): string[] => {
  try {
    build();
  } catch (err) {
    if (err instanceof InvalidCommandError) return err.violations.map((v) => v.field);
    throw err;
  }
  throw new Error('expected InvalidCommandError');
};

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (err: unknown) => err,
  );
}

describe('creating an account', () => {
  it("creates the account in the caller's organisation with a normalised login name and the requested roles", async () => {
    const s = await setUp();
    const account = await s.useCase.execute(command(s, { roles: ['viewer', 'auditor', 'viewer'] }));
    expect(await s.f.accounts.findById(s.organisation.id, account.id)).toMatchObject({
      orgId: s.organisation.id,
      loginName: 'operator.one',
      roles: ['auditor', 'viewer'],
      email: null,
      realName: null,
      federated: null,
      mfaEnrolled: false,
    });
    expect(s.f.accounts.stored(account.id)?.passwordHash).toBe(s.f.passwordHasher.hashSync(LONG_PASSWORD));
  });

  it('keeps an optional email and real name when given, and refuses malformed ones', async () => {
    const s = await setUp();
    const account = await s.useCase.execute(
      command(s, { email: ' ops@contoso.example ', realName: ' Ada Lovelace ' }),
    );
    expect(account).toMatchObject({ email: 'ops@contoso.example', realName: 'Ada Lovelace' });
    expect(
      violationFields(() => command(s, { email: 'not an address', realName: 'evil\u202ename' })),
    ).toEqual(['email', 'realName']);
  });

  it('audits account.created and one role.granted per role, with the target account and no secret', async () => {
    const s = await setUp();
    const account = await s.useCase.execute(command(s, { roles: ['migration-operator', 'auditor'] }));
    expect(s.f.audit.entries.map((e) => [e.action, e.target.id, e.detail?.role])).toEqual([
      ['account.created', account.id, undefined],
      ['role.granted', account.id, 'migration-operator'],
      ['role.granted', account.id, 'auditor'],
    ]);
    expect(
      s.f.audit.entries.every((e) => e.actor.id === s.admin.accountId && e.orgId === s.organisation.id),
    ).toBe(true);
    expect(JSON.stringify(s.f.audit.entries)).not.toContain(LONG_PASSWORD);
  });

  it('never grants platform-admin, and refuses unknown or missing roles', async () => {
    const s = await setUp();
    expect(violationFields(() => command(s, { roles: ['platform-admin'] }))).toEqual(['roles']);
    expect(violationFields(() => command(s, { roles: ['viewer', 'superuser'] }))).toEqual(['roles']);
    expect(violationFields(() => command(s, { roles: [] }))).toEqual(['roles']);
  });

  it('refuses a taken login name, after normalisation, as AlreadyExistsError', async () => {
    const s = await setUp();
    await s.useCase.execute(command(s, { loginName: 'operator.one' }));
    await expect(s.useCase.execute(command(s, { loginName: ' OPERATOR.ONE ' }))).rejects.toBeInstanceOf(
      AlreadyExistsError,
    );
  });

  it('accepts a 10-character password for an account that will use MFA because the organisation requires it', async () => {
    const s = await setUp({ mfaRequired: true });
    await expect(s.useCase.execute(command(s, { password: SHORT_PASSWORD }))).resolves.toBeDefined();
  });

  it('requires 15 characters when the organisation turned MFA off and the account has no admin role', async () => {
    const s = await setUp({ mfaRequired: false });
    const err = await rejection(s.useCase.execute(command(s, { password: SHORT_PASSWORD })));
    expect(err).toBeInstanceOf(InvalidCommandError);
    expect((err as InvalidCommandError).violations).toEqual([
      { field: 'password', reason: 'at least 15 characters for an account without MFA' },
    ]);
    expect((err as Error).message).not.toContain(SHORT_PASSWORD);
    expect(await s.f.accounts.findByLoginName('operator.one')).toBeNull();
  });

  it('holds an admin account to the MFA policy even when the organisation turned MFA off', async () => {
    const s = await setUp({ mfaRequired: false });
    await expect(
      s.useCase.execute(command(s, { roles: ['org-admin'], password: SHORT_PASSWORD })),
    ).resolves.toMatchObject({ roles: ['org-admin'] });
  });

  it('refuses a common password', async () => {
    const s = await setUp();
    const err = await rejection(s.useCase.execute(command(s, { password: '1qaz2wsx3edc4rfv' })));
    expect(err).toBeInstanceOf(InvalidCommandError);
    expect((err as InvalidCommandError).violations).toEqual([
      { field: 'password', reason: 'is a common or breached password' },
    ]);
  });

  it("refuses to create an account in another organisation than the caller's, as not found", async () => {
    const s = await setUp();
    const other = anOrganisation();
    await s.f.organisations.insert(other);
    await expect(s.useCase.execute(command({ admin: s.admin, organisation: other }))).rejects.toBeInstanceOf(
      NotFoundError,
    );
    expect(await s.f.accounts.listByOrg(other.id)).toEqual([]);
  });

  it('stores no account when the audit trail does not take a record', async () => {
    const s = await setUp();
    s.f.audit.failWhen = (e) => e.action === 'role.granted';
    const refused = s.useCase.execute(command(s));
    await expect(refused).rejects.toBeInstanceOf(AuditUnavailableError);
    await expect(refused).rejects.toThrow('the audit trail is unavailable; the change was not applied');
    expect(await s.f.accounts.findByLoginName('operator.one')).toBeNull();
    expect(reachableStrings(s.f.accounts)).not.toContain('operator.one');
  });

  it('stores the account, for anyone to see, only once its records are stored', async () => {
    const s = await setUp();
    const seen: unknown[] = [];
    s.f.audit.beforeStoring = async () => {
      seen.push(await s.f.accounts.findByLoginName('operator.one'));
    };
    await s.useCase.execute(command(s));
    expect(seen).toEqual([null, null]);
    expect(await s.f.accounts.findByLoginName('operator.one')).not.toBeNull();
  });
});
