import { normaliseRecoveryCode } from '@ferry/identity/domain';
import { AuditUnavailableError, InvalidCredentialsError } from '../identity.errors';
import { pendingTokenOf, SOURCE, signInFixture, tokensOf } from '../testing/sign-in.fixture';
import { StartEnrolmentCommand } from './start-enrolment.command';
import { VerifyEnrolmentCommand } from './verify-enrolment.command';

async function enrolmentStep() {
  const x = signInFixture();
  const org = await x.seedOrg();
  const account = await x.seedAccount(org, { roles: ['org-admin'], loginName: 'it.admin' });
  const token = pendingTokenOf(await x.signInAs(account.loginName), 'enrolment-required');
  const start = () =>
    x.startEnrolment.execute(StartEnrolmentCommand.create({ pendingToken: token, ...SOURCE }));
  const verify = (totpCode: string, pendingToken = token) =>
    x.verifyEnrolment.execute(VerifyEnrolmentCommand.create({ pendingToken, totpCode, ...SOURCE }));
  const secretOf = async () => (await x.f.accounts.readTotpSecret(account.id))?.secret ?? '';
  return { x, org, account, token, start, verify, secretOf };
}

describe('TOTP enrolment', () => {
  it('starts with a pending secret, shown as an otpauth URI and QR code for the login name', async () => {
    const { x, account, start, secretOf } = await enrolmentStep();
    const started = await start();
    const uri = new URL(started.otpauthUri);
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.host).toBe('totp');
    expect(decodeURIComponent(uri.pathname)).toBe('/Ferry:it.admin');
    expect(uri.searchParams.get('secret')).toBe(await secretOf());
    expect(uri.searchParams.get('issuer')).toBe('Ferry');
    expect(started.qrSvg).toContain('<svg');
    expect(await x.f.accounts.readTotpSecret(account.id)).toMatchObject({ enrolled: false });
    expect(x.f.pendingSteps.size).toBe(1);
  });

  it('confirms with a first code, signs in and hands out 10 recovery codes stored only as hashes', async () => {
    const { x, account, start, verify, secretOf } = await enrolmentStep();
    await start();
    const secret = await secretOf();
    const done = await verify(x.codeNow(secret));
    expect(await x.f.signer.verify(done.tokens.accessToken)).toMatchObject({
      sub: account.id,
      amr: ['pwd', 'otp'],
    });
    expect(done.recoveryCodes).toHaveLength(10);
    for (const code of done.recoveryCodes)
      expect(code).toMatch(/^[0-9a-hjkmnp-tv-z]{5}-[0-9a-hjkmnp-tv-z]{5}$/);
    const stored = x.f.accounts.stored(account.id);
    expect(stored?.recoveryCodes.map((c) => c.hash).sort()).toEqual(
      done.recoveryCodes.map((c) => x.f.keyedHasher.tokenHash(normaliseRecoveryCode(c) ?? '')).sort(),
    );
    expect(JSON.stringify(stored)).not.toContain(done.recoveryCodes[0]);
    expect((await x.f.accounts.findById(account.orgId, account.id))?.mfaEnrolled).toBe(true);
    expect(
      x.f.audit.actions().filter((a) => a.startsWith('auth.mfa') || a === 'auth.signin.succeeded'),
    ).toEqual(['auth.mfa.enrolled', 'auth.signin.succeeded']);
    expect(x.f.pendingSteps.size).toBe(0);
  });

  it('records the enrolment code as used, so it cannot be replayed at the next sign-in', async () => {
    const { x, account, start, verify, secretOf } = await enrolmentStep();
    await start();
    const code = x.codeNow(await secretOf());
    await verify(code);
    const mfa = pendingTokenOf(await x.signInAs(account.loginName), 'mfa-required');
    await expect(x.answerTotp(mfa, code)).rejects.toBeInstanceOf(InvalidCredentialsError);
  });

  it('leads to a normal MFA sign-in where a handed-out recovery code works once', async () => {
    const { x, account, start, verify, secretOf } = await enrolmentStep();
    await start();
    const { recoveryCodes } = await verify(x.codeNow(await secretOf()));
    const mfa = pendingTokenOf(await x.signInAs(account.loginName), 'mfa-required');
    expect(tokensOf(await x.answerRecovery(mfa, recoveryCodes[3] ?? '')).sessionId).toBeDefined();
  });

  it('refuses a wrong code and kills the step after 5', async () => {
    const { x, start, verify, secretOf } = await enrolmentStep();
    await start();
    const wrong = x.codeNow(await secretOf()) === '000000' ? '111111' : '000000';
    for (let i = 0; i < x.f.policy.pendingStepMaxAttempts; i += 1) {
      await expect(verify(wrong)).rejects.toBeInstanceOf(InvalidCredentialsError);
      x.f.clock.advance(x.throttle.accountDelayMs(i + 1));
    }
    await expect(verify(x.codeNow(await secretOf()))).rejects.toBeInstanceOf(InvalidCredentialsError);
    expect(x.f.audit.withAction('auth.mfa.challenge.failed')).toHaveLength(5);
  });

  it('refuses verification before a secret was issued', async () => {
    const { verify } = await enrolmentStep();
    await expect(verify('123456')).rejects.toBeInstanceOf(InvalidCredentialsError);
  });

  it('replaces the pending secret when enrolment is started again, so only the latest one verifies', async () => {
    const { x, start, verify, secretOf } = await enrolmentStep();
    await start();
    const first = await secretOf();
    await start();
    const second = await secretOf();
    expect(second).not.toBe(first);
    const firstCode = x.codeNow(first);
    if (firstCode !== x.codeNow(second))
      await expect(verify(firstCode)).rejects.toBeInstanceOf(InvalidCredentialsError);
    expect((await verify(x.codeNow(second))).recoveryCodes).toHaveLength(10);
  });

  it('does not enrol when the enrolment cannot be audited: the secret stays unconfirmed, with no recovery codes', async () => {
    const { x, account, start, verify, secretOf } = await enrolmentStep();
    await start();
    const secret = await secretOf();
    x.f.audit.failWhen = (e) => e.action === 'auth.mfa.enrolled';
    const refused = verify(x.codeNow(secret));
    await expect(refused).rejects.toBeInstanceOf(AuditUnavailableError);
    await expect(refused).rejects.toThrow('the audit trail is unavailable; the change was not applied');
    expect(await x.f.accounts.readTotpSecret(account.id)).toEqual({ secret, enrolled: false });
    expect(await x.f.accounts.remainingRecoveryCodes(account.id)).toBe(0);
    expect((await x.f.accounts.findById(account.orgId, account.id))?.mfaEnrolled).toBe(false);
    expect(x.f.sessions.all()).toEqual([]);
    // The step was spent: enrolling takes a new sign-in, whose enrolment replaces the secret.
    await expect(verify(x.codeNow(secret))).rejects.toBeInstanceOf(InvalidCredentialsError);
  });

  it('enrols, for anyone to see, only once the enrolment is recorded', async () => {
    const { x, account, start, verify, secretOf } = await enrolmentStep();
    await start();
    const seen: unknown[] = [];
    x.f.audit.beforeStoring = async (entry) => {
      if (entry.action !== 'auth.mfa.enrolled') return;
      seen.push([
        await x.f.accounts.readTotpSecret(account.id),
        await x.f.accounts.remainingRecoveryCodes(account.id),
      ]);
    };
    const secret = await secretOf();
    await verify(x.codeNow(secret));
    expect(seen).toEqual([[{ secret, enrolled: false }, 0]]);
    expect(await x.f.accounts.readTotpSecret(account.id)).toEqual({ secret, enrolled: true });
  });

  it('refuses an mfa-step token', async () => {
    const x = signInFixture();
    const account = await x.seedAccount(await x.seedOrg());
    await x.enrol(account);
    const token = pendingTokenOf(await x.signInAs(account.loginName), 'mfa-required');
    await expect(
      x.startEnrolment.execute(StartEnrolmentCommand.create({ pendingToken: token })),
    ).rejects.toBeInstanceOf(InvalidCredentialsError);
  });
});
