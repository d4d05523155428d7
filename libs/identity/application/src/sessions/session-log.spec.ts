import { GrantRoleUseCase } from '../accounts/grant-role.usecase';
import { RoleChangeCommand } from '../accounts/role-change.command';
import { InvalidCredentialsError } from '../identity.errors';
import { StartEnrolmentCommand } from '../mfa/start-enrolment.command';
import { VerifyEnrolmentCommand } from '../mfa/verify-enrolment.command';
import { UpdateOrganisationCommand } from '../orgs/update-organisation.command';
import { UpdateOrganisationUseCase } from '../orgs/update-organisation.usecase';
import { pendingTokenOf, SOURCE, signInFixture, tokensOf } from '../testing/sign-in.fixture';
import { claimsFor } from '../testing/spec-support';
import { AccountActionCommand } from './account-action.command';
import { RefreshCommand } from './refresh.command';

/** The session ids of the recorded entries with `action`, in order ('' for none). */
const sessionsOf = (x: ReturnType<typeof signInFixture>, action: Parameters<typeof x.f.audit.withAction>[0]) =>
  x.f.audit.withAction(action).map((e) => e.sessionId ?? '');

async function signedIn() {
  const x = signInFixture();
  const org = await x.seedOrg({ mfaRequired: false });
  const account = await x.seedAccount(org, { roles: ['viewer'] });
  const tokens = tokensOf(await x.signInAs(account.loginName));
  const claims = { ...claimsFor({ accountId: account.id, orgId: org.id, roles: account.roles }), sessionId: tokens.sessionId };
  return { x, org, account, tokens, claims };
}

describe("a session's log: the audit records carrying its session id", () => {
  it('opens with the sign-in, whose record names the session the tokens belong to', async () => {
    const { x, tokens } = await signedIn();
    expect(sessionsOf(x, 'auth.signin.succeeded')).toEqual([tokens.sessionId]);
  });

  it('includes the TOTP enrolment that completes a first sign-in', async () => {
    const x = signInFixture();
    const org = await x.seedOrg();
    const account = await x.seedAccount(org, { roles: ['org-admin'] });
    const pendingToken = pendingTokenOf(await x.signInAs(account.loginName), 'enrolment-required');
    await x.startEnrolment.execute(StartEnrolmentCommand.create({ pendingToken, ...SOURCE }));
    const secret = (await x.f.accounts.readTotpSecret(account.id))?.secret ?? '';
    const done = await x.verifyEnrolment.execute(
      VerifyEnrolmentCommand.create({ pendingToken, totpCode: x.codeNow(secret), ...SOURCE }),
    );
    expect(sessionsOf(x, 'auth.mfa.enrolled')).toEqual([done.tokens.sessionId]);
    expect(sessionsOf(x, 'auth.signin.succeeded')).toEqual([done.tokens.sessionId]);
  });

  it('includes the recovery code that completes a sign-in, but no failed MFA answer', async () => {
    const x = signInFixture();
    const org = await x.seedOrg();
    const account = await x.seedAccount(org, { roles: ['org-admin'] });
    const secret = await x.enrol(account, ['0000000000']);
    const pendingToken = pendingTokenOf(await x.signInAs(account.loginName), 'mfa-required');
    await expect(x.answerTotp(pendingToken, x.codeNow(secret) === '000000' ? '111111' : '000000')).rejects.toBeInstanceOf(
      InvalidCredentialsError,
    );
    const tokens = tokensOf(await x.answerRecovery(pendingToken, '0000000000'));
    expect(sessionsOf(x, 'auth.recovery_code.used')).toEqual([tokens.sessionId]);
    expect(sessionsOf(x, 'auth.signin.succeeded')).toEqual([tokens.sessionId]);
    expect(sessionsOf(x, 'auth.mfa.challenge.failed')).toEqual(['']);
  });

  it('leaves a failed sign-in outside any session', async () => {
    const { x, account } = await signedIn();
    await expect(x.signInAs(account.loginName, 'Wrong-password-0000')).rejects.toBeInstanceOf(InvalidCredentialsError);
    expect(sessionsOf(x, 'auth.signin.failed')).toEqual(['']);
  });

  it('records each refresh, from where it came, without waiting for the trail or failing when it is down', async () => {
    const { x, account, tokens } = await signedIn();
    const from = { sourceAddress: '198.51.100.23', userAgent: 'refresher/2' };
    const next = await x.refresh.execute(RefreshCommand.create({ refreshToken: tokens.refreshToken, ...from }));
    expect(x.f.audit.withAction('auth.session.refreshed')).toEqual([
      expect.objectContaining({
        actor: { kind: 'account', id: account.id },
        target: { type: 'session', id: tokens.sessionId },
        outcome: 'success',
        ...from,
        sessionId: tokens.sessionId,
      }),
    ]);
    x.f.audit.failing = true;
    const third = await x.refresh.execute(RefreshCommand.create({ refreshToken: next.refreshToken }));
    expect(third.sessionId).toBe(tokens.sessionId);
  });

  it('includes the reuse of a spent refresh token that revoked it', async () => {
    const { x, tokens } = await signedIn();
    await x.refresh.execute(RefreshCommand.create({ refreshToken: tokens.refreshToken }));
    await expect(x.refresh.execute(RefreshCommand.create({ refreshToken: tokens.refreshToken }))).rejects.toBeInstanceOf(
      InvalidCredentialsError,
    );
    expect(sessionsOf(x, 'auth.refresh.reused')).toEqual([tokens.sessionId]);
  });

  it('closes with the sign-out', async () => {
    const { x, tokens, claims } = await signedIn();
    await x.signOut.execute(claims, SOURCE);
    expect(sessionsOf(x, 'auth.signout')).toEqual([tokens.sessionId]);
  });

  it("closes each session an admin ends with a record of its own; the admin's record is in the admin's session", async () => {
    const { x, org, account, tokens } = await signedIn();
    const second = tokensOf(await x.signInAs(account.loginName));
    const admin = claimsFor({ orgId: org.id, roles: ['org-admin'] });
    await x.revokeSessions.execute(
      AccountActionCommand.create({ caller: admin, orgId: org.id, accountId: account.id, ...SOURCE }),
    );
    expect(sessionsOf(x, 'auth.session.revoked')).toEqual([admin.sessionId]);
    const ended = x.f.audit.withAction('auth.session.ended');
    expect(ended.map((e) => e.sessionId).sort()).toEqual([tokens.sessionId, second.sessionId].sort());
    for (const e of ended) {
      expect(e).toMatchObject({
        orgId: org.id,
        actor: { kind: 'account', id: admin.accountId },
        target: { type: 'session', id: e.sessionId },
        detail: { reason: 'admin-revoked' },
      });
    }
  });

  it('closes the sessions an MFA reset ends', async () => {
    const { x, org, account, tokens } = await signedIn();
    const admin = claimsFor({ orgId: org.id, roles: ['org-admin'] });
    await x.resetMfa.execute(AccountActionCommand.create({ caller: admin, orgId: org.id, accountId: account.id }));
    expect(sessionsOf(x, 'auth.mfa.reset')).toEqual([admin.sessionId]);
    expect(x.f.audit.withAction('auth.session.ended')).toEqual([
      expect.objectContaining({ sessionId: tokens.sessionId, detail: { reason: 'mfa-reset' } }),
    ]);
  });

  it("closes the sessions a role change ends; the change itself is in the admin's session", async () => {
    const { x, org, account, tokens } = await signedIn();
    const admin = claimsFor({ orgId: org.id, roles: ['org-admin'] });
    const grant = new GrantRoleUseCase(x.f.unitOfWork, x.f.audit, x.f.clock);
    await grant.execute(RoleChangeCommand.create({ caller: admin, orgId: org.id, accountId: account.id, role: 'auditor' }));
    expect(sessionsOf(x, 'role.granted')).toEqual([admin.sessionId]);
    expect(x.f.audit.withAction('auth.session.ended')).toEqual([
      expect.objectContaining({ sessionId: tokens.sessionId, detail: { reason: 'role-changed' } }),
    ]);
  });

  it('includes the configuration changes made with its access token', async () => {
    const { x, org, claims } = await signedIn();
    const admin = { ...claims, roles: ['org-admin'] as const };
    await new UpdateOrganisationUseCase(x.f.unitOfWork, x.f.audit).execute(
      UpdateOrganisationCommand.create({ caller: admin, orgId: org.id, mfaRequired: true }),
    );
    expect(sessionsOf(x, 'org.settings.updated')).toEqual([claims.sessionId]);
  });
});
