import { AlreadyExistsError } from '@ferry/identity/application';
import { anAccount } from './identity.factory';
import { MemoryAccountRepository } from './memory-account.repository';

describe('the in-memory account repository', () => {
  it('advances the TOTP step only forwards', async () => {
    const repo = new MemoryAccountRepository();
    const account = anAccount();
    await repo.insert(account, null);
    await repo.storePendingTotpSecret(account.id, 'SECRET');
    await repo.confirmTotp(account.id, 100);
    expect(await repo.advanceTotpStep(account.id, 100)).toBe(false);
    expect(await repo.advanceTotpStep(account.id, 99)).toBe(false);
    expect(await repo.advanceTotpStep(account.id, 101)).toBe(true);
    expect(await repo.advanceTotpStep(account.id, 101)).toBe(false);
    expect((await repo.findById(account.orgId, account.id))?.mfaEnrolled).toBe(true);
  });

  it('consumes each recovery code once', async () => {
    const repo = new MemoryAccountRepository();
    const account = anAccount();
    await repo.insert(account, null);
    await repo.replaceRecoveryCodes(account.id, ['c1', 'c2']);
    expect(await repo.consumeRecoveryCode(account.id, 'c1')).toBe(true);
    expect(await repo.consumeRecoveryCode(account.id, 'c1')).toBe(false);
    expect(await repo.remainingRecoveryCodes(account.id)).toBe(1);
  });

  it('scopes lookups by organisation and refuses a taken login name', async () => {
    const repo = new MemoryAccountRepository();
    const account = anAccount();
    await repo.insert(account, 'hash');
    expect(await repo.findById('another-org', account.id)).toBeNull();
    expect(await repo.findById(null, account.id)).toBeNull();
    await expect(repo.insert(anAccount({ loginName: account.loginName }), null)).rejects.toBeInstanceOf(
      AlreadyExistsError,
    );
  });

  it('clears secret, step and codes on an MFA reset', async () => {
    const repo = new MemoryAccountRepository();
    const account = anAccount();
    await repo.insert(account, null);
    await repo.storePendingTotpSecret(account.id, 'SECRET');
    await repo.confirmTotp(account.id, 5);
    await repo.replaceRecoveryCodes(account.id, ['c1']);
    await repo.clearMfa(account.id);
    expect(await repo.readTotpSecret(account.id)).toBeNull();
    expect(await repo.remainingRecoveryCodes(account.id)).toBe(0);
    expect((await repo.findById(account.orgId, account.id))?.mfaEnrolled).toBe(false);
  });
});
