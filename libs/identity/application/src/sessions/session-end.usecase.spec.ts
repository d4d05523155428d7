import { AuditUnavailableError, NotFoundError } from '../identity.errors';
import { SOURCE, signInFixture, tokensOf } from '../testing/sign-in.fixture';
import { claimsFor } from '../testing/spec-support';
import { AccountActionCommand } from './account-action.command';
import { RefreshCommand } from './refresh.command';

async function twoSessions() {
  const x = signInFixture();
  const org = await x.seedOrg({ mfaRequired: false });
  const account = await x.seedAccount(org);
  const first = tokensOf(await x.signInAs(account.loginName));
  const second = tokensOf(await x.signInAs(account.loginName));
  const admin = claimsFor({ orgId: org.id, roles: ['org-admin'] });
  const refresh = (refreshToken: string) =>
    x.refresh.execute(RefreshCommand.create({ refreshToken, ...SOURCE }));
  return { x, org, account, first, second, admin, refresh };
}

describe('ending sessions', () => {
  it('signs the caller out of its own session only, and audits it', async () => {
    const { x, account, first, second, refresh } = await twoSessions();
    const claims = {
      ...claimsFor({ accountId: account.id, orgId: account.orgId, roles: account.roles }),
      sessionId: first.sessionId,
    };
    await x.signOut.execute(claims, SOURCE);
    await expect(refresh(first.refreshToken)).rejects.toThrow();
    expect((await refresh(second.refreshToken)).sessionId).toBe(second.sessionId);
    expect(await x.f.sessions.findById(first.sessionId)).toMatchObject({ revokeReason: 'signed-out' });
    expect(x.f.audit.withAction('auth.signout')).toEqual([
      expect.objectContaining({
        actor: { kind: 'account', id: account.id },
        target: { type: 'session', id: first.sessionId },
      }),
    ]);
    await x.signOut.execute(claims, SOURCE);
    expect(x.f.audit.withAction('auth.signout')).toHaveLength(1);
  });

  it('lets an admin revoke every session of an account in its organisation, audited with the count', async () => {
    const { x, org, account, first, second, admin, refresh } = await twoSessions();
    const result = await x.revokeSessions.execute(
      AccountActionCommand.create({ caller: admin, orgId: org.id, accountId: account.id, ...SOURCE }),
    );
    expect(result).toEqual({ sessionsRevoked: 2 });
    await expect(refresh(first.refreshToken)).rejects.toThrow();
    await expect(refresh(second.refreshToken)).rejects.toThrow();
    expect(x.f.audit.withAction('auth.session.revoked')).toEqual([
      expect.objectContaining({
        orgId: org.id,
        actor: { kind: 'account', id: admin.accountId },
        target: { type: 'account', id: account.id },
        detail: { sessions: '2' },
      }),
    ]);
  });

  it('signs out even when the audit trail is down, and says the session was ended without its record', async () => {
    const { x, account, first, second, refresh } = await twoSessions();
    const claims = {
      ...claimsFor({ accountId: account.id, orgId: account.orgId, roles: account.roles }),
      sessionId: first.sessionId,
    };
    x.f.audit.failing = true;
    const signOut = x.signOut.execute(claims, SOURCE);
    await expect(signOut).rejects.toBeInstanceOf(AuditUnavailableError);
    await expect(signOut).rejects.toThrow(
      'the audit trail is unavailable; the session was ended, but its audit record could not be stored',
    );
    expect(await x.f.sessions.findById(first.sessionId)).toMatchObject({ revokeReason: 'signed-out' });
    x.f.audit.failing = false;
    await expect(refresh(first.refreshToken)).rejects.toThrow();
    expect((await refresh(second.refreshToken)).sessionId).toBe(second.sessionId);
  });

  it("ends an account's sessions at an admin's request even when the audit trail is down, and says so", async () => {
    const { x, org, account, first, second, admin, refresh } = await twoSessions();
    x.f.audit.failing = true;
    const revoke = x.revokeSessions.execute(
      AccountActionCommand.create({ caller: admin, orgId: org.id, accountId: account.id, ...SOURCE }),
    );
    await expect(revoke).rejects.toBeInstanceOf(AuditUnavailableError);
    await expect(revoke).rejects.toThrow(
      "the audit trail is unavailable; the account's sessions were ended, but their audit records could not all be stored",
    );
    x.f.audit.failing = false;
    await expect(refresh(first.refreshToken)).rejects.toThrow();
    await expect(refresh(second.refreshToken)).rejects.toThrow();
    expect(x.f.audit.withAction('auth.session.revoked')).toEqual([]);
  });

  it("treats another organisation's account as not found and revokes nothing", async () => {
    const { x, account, first, refresh } = await twoSessions();
    const otherOrg = await x.seedOrg();
    const otherAdmin = claimsFor({ orgId: otherOrg.id, roles: ['org-admin'] });
    for (const orgId of [otherOrg.id, account.orgId ?? '']) {
      await expect(
        x.revokeSessions.execute(
          AccountActionCommand.create({ caller: otherAdmin, orgId, accountId: account.id }),
        ),
      ).rejects.toBeInstanceOf(NotFoundError);
      await expect(
        x.resetMfa.execute(AccountActionCommand.create({ caller: otherAdmin, orgId, accountId: account.id })),
      ).rejects.toBeInstanceOf(NotFoundError);
    }
    expect((await refresh(first.refreshToken)).sessionId).toBe(first.sessionId);
  });

  it('resets MFA: clears the secret and recovery codes, ends the sessions, and the next sign-in enrols again', async () => {
    const x = signInFixture();
    const org = await x.seedOrg();
    const account = await x.seedAccount(org, { roles: ['org-admin'] });
    const secret = await x.enrol(account, ['0000000000']);
    const mfa = await x.signInAs(account.loginName);
    const tokens = tokensOf(
      await x.answerTotp(mfa.kind === 'mfa-required' ? mfa.step.token : '', x.codeNow(secret)),
    );
    const admin = claimsFor({ orgId: org.id, roles: ['org-admin'] });

    const result = await x.resetMfa.execute(
      AccountActionCommand.create({ caller: admin, orgId: org.id, accountId: account.id, ...SOURCE }),
    );
    expect(result).toEqual({ sessionsRevoked: 1 });
    expect(await x.f.accounts.readTotpSecret(account.id)).toBeNull();
    expect(await x.f.accounts.remainingRecoveryCodes(account.id)).toBe(0);
    expect(await x.f.sessions.findById(tokens.sessionId)).toMatchObject({ revokeReason: 'mfa-reset' });
    expect(x.f.audit.withAction('auth.mfa.reset')).toEqual([
      expect.objectContaining({ target: { type: 'account', id: account.id }, detail: { sessions: '1' } }),
    ]);
    expect((await x.signInAs(account.loginName)).kind).toBe('enrolment-required');
  });

  it('refuses an MFA reset the audit trail does not take: the secret, the recovery codes and the sessions stay', async () => {
    const { x, org, account, first, admin, refresh } = await twoSessions();
    const secret = await x.enrol(account, ['0000000000']);
    x.f.audit.failing = true;
    const reset = () =>
      x.resetMfa.execute(
        AccountActionCommand.create({ caller: admin, orgId: org.id, accountId: account.id, ...SOURCE }),
      );
    await expect(reset()).rejects.toBeInstanceOf(AuditUnavailableError);
    await expect(reset()).rejects.toThrow('the audit trail is unavailable; the change was not applied');
    expect(await x.f.accounts.readTotpSecret(account.id)).toEqual({ secret, enrolled: true });
    expect(await x.f.accounts.remainingRecoveryCodes(account.id)).toBe(1);
    x.f.audit.failing = false;
    expect((await refresh(first.refreshToken)).sessionId).toBe(first.sessionId);
  });

  it('resets MFA, for anyone to see, only once the reset and the ended sessions are recorded', async () => {
    const { x, org, account, first, admin } = await twoSessions();
    const secret = await x.enrol(account, ['0000000000']);
    const seen: unknown[] = [];
    x.f.audit.beforeStoring = async () => {
      seen.push([
        await x.f.accounts.readTotpSecret(account.id),
        await x.f.accounts.remainingRecoveryCodes(account.id),
        (await x.f.sessions.findById(first.sessionId))?.revokedAt,
      ]);
    };
    await x.resetMfa.execute(
      AccountActionCommand.create({ caller: admin, orgId: org.id, accountId: account.id, ...SOURCE }),
    );
    // auth.mfa.reset and one auth.session.ended per session.
    expect(seen).toEqual(Array.from({ length: 3 }, () => [{ secret, enrolled: true }, 1, null]));
    expect(await x.f.accounts.readTotpSecret(account.id)).toBeNull();
  });

  it('refuses account actions with malformed ids', () => {
    const admin = claimsFor({ orgId: null, roles: ['org-admin'] });
    expect(() => AccountActionCommand.create({ caller: admin, orgId: 'org', accountId: "1'; drop" })).toThrow(
      /orgId must be a UUID; accountId must be a UUID/,
    );
  });
});
