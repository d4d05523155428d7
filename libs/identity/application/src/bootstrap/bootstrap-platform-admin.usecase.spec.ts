import { AuditUnavailableError } from '../identity.errors';
import {
  anAccount,
  createIdentityFakes,
  type IdentityFakes,
  reachableStrings,
} from '../testing/spec-support';
import {
  BootstrapPlatformAdminCommand,
  InvalidBootstrapSettingError,
} from './bootstrap-platform-admin.command';
import { BootstrapPlatformAdminUseCase } from './bootstrap-platform-admin.usecase';

const PASSWORD = 'Quarry-Tulip-Meridian-9';
const settings = { loginName: ' Root.Admin ', password: PASSWORD };
const useCase = (f: IdentityFakes) =>
  new BootstrapPlatformAdminUseCase(f.accounts, f.passwordHasher, f.unitOfWork, f.audit, f.clock);

function settingError(build: () => unknown): InvalidBootstrapSettingError {
  try {
    build();
  } catch (err) {
    if (err instanceof InvalidBootstrapSettingError) return err;
    throw err;
  }
  throw new Error('expected InvalidBootstrapSettingError');
}

describe('bootstrapping the platform admin', () => {
  it('creates a platform admin with no organisation, who enrols TOTP at first sign-in', async () => {
    const f = createIdentityFakes();
    const result = await useCase(f).execute(BootstrapPlatformAdminCommand.create(settings));
    expect(result.outcome).toBe('created');
    const stored = await f.accounts.findByLoginName('root.admin');
    expect(stored?.account).toMatchObject({
      orgId: null,
      roles: ['platform-admin'],
      mfaEnrolled: false,
      federated: null,
    });
    expect(stored?.passwordHash).toBe(f.passwordHasher.hashSync(PASSWORD));
  });

  it('audits account.created as identity itself', async () => {
    const f = createIdentityFakes();
    const result = await useCase(f).execute(BootstrapPlatformAdminCommand.create(settings));
    const accountId = result.outcome === 'created' ? result.accountId : '';
    expect(f.audit.withAction('account.created')).toEqual([
      expect.objectContaining({
        orgId: null,
        actor: { kind: 'service', id: 'identity' },
        target: { type: 'account', id: accountId },
        outcome: 'success',
      }),
    ]);
    expect(JSON.stringify(f.audit.entries)).not.toContain(PASSWORD);
  });

  it('does nothing on a second run', async () => {
    const f = createIdentityFakes();
    await useCase(f).execute(BootstrapPlatformAdminCommand.create(settings));
    const audited = f.audit.entries.length;
    const hashed = f.passwordHasher.calls.hash;
    await expect(useCase(f).execute(BootstrapPlatformAdminCommand.create(settings))).resolves.toEqual({
      outcome: 'already-present',
    });
    expect(await f.accounts.countPlatformAdmins()).toBe(1);
    expect([f.audit.entries.length, f.passwordHasher.calls.hash]).toEqual([audited, hashed]);
  });

  it('creates exactly one admin when two replicas start at once', async () => {
    const f = createIdentityFakes();
    const outcomes = await Promise.all([
      useCase(f).execute(BootstrapPlatformAdminCommand.create(settings)),
      useCase(f).execute(BootstrapPlatformAdminCommand.create(settings)),
    ]);
    expect(outcomes.map((o) => o.outcome).sort()).toEqual(['already-present', 'created']);
    expect(await f.accounts.countPlatformAdmins()).toBe(1);
  });

  it('leaves an installation that already has a platform admin alone, whatever is configured', async () => {
    const f = createIdentityFakes();
    await f.accounts.insert(anAccount({ orgId: null, roles: ['platform-admin'] }), null);
    await expect(
      useCase(f).execute(BootstrapPlatformAdminCommand.create({ loginName: 'another', password: PASSWORD })),
    ).resolves.toEqual({
      outcome: 'already-present',
    });
    expect(await f.accounts.findByLoginName('another')).toBeNull();
  });

  it('does nothing when no admin is configured', async () => {
    const f = createIdentityFakes();
    await expect(useCase(f).execute(BootstrapPlatformAdminCommand.create({}))).resolves.toEqual({
      outcome: 'not-configured',
    });
    expect(await f.accounts.countPlatformAdmins()).toBe(0);
  });

  it('refuses a weak password with an error that names the setting, not the value', () => {
    for (const password of ['short1!', 'password1234', 'root.admin']) {
      const err = settingError(() =>
        BootstrapPlatformAdminCommand.create({ loginName: 'root.admin', password }),
      );
      expect(err.setting).toBe('FERRY_BOOTSTRAP_ADMIN_PASSWORD_FILE');
      expect(err.message).toContain('FERRY_BOOTSTRAP_ADMIN_PASSWORD_FILE');
      expect(err.message).not.toContain(password);
    }
  });

  it('refuses a login name without a password, a password without a login name, and a malformed login name', () => {
    expect(settingError(() => BootstrapPlatformAdminCommand.create({ loginName: 'root' })).setting).toBe(
      'FERRY_BOOTSTRAP_ADMIN_PASSWORD_FILE',
    );
    expect(settingError(() => BootstrapPlatformAdminCommand.create({ password: PASSWORD })).setting).toBe(
      'FERRY_BOOTSTRAP_ADMIN_LOGIN',
    );
    expect(
      settingError(() => BootstrapPlatformAdminCommand.create({ loginName: 'røot', password: PASSWORD }))
        .setting,
    ).toBe('FERRY_BOOTSTRAP_ADMIN_LOGIN');
  });

  it('refuses a login name an organisation account already uses', async () => {
    const f = createIdentityFakes();
    await f.accounts.insert(anAccount({ loginName: 'root.admin' }), null);
    await expect(useCase(f).execute(BootstrapPlatformAdminCommand.create(settings))).rejects.toMatchObject({
      setting: 'FERRY_BOOTSTRAP_ADMIN_LOGIN',
    });
    expect(await f.accounts.countPlatformAdmins()).toBe(0);
  });

  it('creates no admin when it cannot be audited, so the next start retries', async () => {
    const f = createIdentityFakes();
    f.audit.failing = true;
    await expect(useCase(f).execute(BootstrapPlatformAdminCommand.create(settings))).rejects.toBeInstanceOf(
      AuditUnavailableError,
    );
    expect(await f.accounts.countPlatformAdmins()).toBe(0);
    expect(reachableStrings(f.accounts)).not.toContain('root.admin');
    f.audit.failing = false;
    await expect(useCase(f).execute(BootstrapPlatformAdminCommand.create(settings))).resolves.toMatchObject({
      outcome: 'created',
    });
  });

  it('creates the admin, for anyone to see, only once its records are stored', async () => {
    const f = createIdentityFakes();
    const seen: number[] = [];
    f.audit.beforeStoring = async () => {
      seen.push(await f.accounts.countPlatformAdmins());
    };
    await useCase(f).execute(BootstrapPlatformAdminCommand.create(settings));
    expect(seen).toEqual([0, 0]);
    expect(await f.accounts.countPlatformAdmins()).toBe(1);
  });
});
