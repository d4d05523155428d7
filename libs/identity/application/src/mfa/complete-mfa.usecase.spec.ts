import { formatRecoveryCode, normaliseRecoveryCode } from '@ferry/identity/domain';
import {
  AuditUnavailableError,
  InvalidCommandError,
  InvalidCredentialsError,
  ThrottledError,
} from '../identity.errors';
import { pendingTokenOf, signInFixture, tokensOf } from '../testing/sign-in.fixture';
import { CompleteMfaCommand } from './complete-mfa.command';

async function enrolledAccount(recoveryCodes: readonly string[] = []) {
  const x = signInFixture();
  const org = await x.seedOrg();
  const account = await x.seedAccount(org, { roles: ['org-admin'] });
  const secret = await x.enrol(account, recoveryCodes);
  const mfaStep = async () => pendingTokenOf(await x.signInAs(account.loginName), 'mfa-required');
  return { x, org, account, secret, mfaStep };
}

const canonical = (bytes: number[]) => normaliseRecoveryCode(formatRecoveryCode(new Uint8Array(bytes))) ?? '';

describe('completing MFA', () => {
  it('issues a session for a right TOTP code, with amr pwd+otp, and consumes the step', async () => {
    const { x, account, secret, mfaStep } = await enrolledAccount();
    const token = await mfaStep();
    const tokens = tokensOf(await x.answerTotp(token, x.codeNow(secret)));
    expect(await x.f.signer.verify(tokens.accessToken)).toMatchObject({
      sub: account.id,
      amr: ['pwd', 'otp'],
      roles: ['org-admin'],
    });
    expect(x.f.audit.withAction('auth.signin.succeeded')).toEqual([
      expect.objectContaining({ actor: { kind: 'account', id: account.id }, detail: { method: 'pwd+otp' } }),
    ]);
    x.f.clock.advance(30_000);
    await expect(x.answerTotp(token, x.codeNow(secret))).rejects.toBeInstanceOf(InvalidCredentialsError);
  });

  it('accepts a code from the previous time step (clock drift) but not from two steps ago', async () => {
    const { x, secret, mfaStep } = await enrolledAccount();
    await expect(x.answerTotp(await mfaStep(), x.codeNow(secret, -60_000))).rejects.toBeInstanceOf(
      InvalidCredentialsError,
    );
    expect((await x.answerTotp(await mfaStep(), x.codeNow(secret, -30_000))).kind).toBe('session');
  });

  it('refuses a replayed code within its window and an older step after a newer one, and audits the replay', async () => {
    const { x, secret, mfaStep } = await enrolledAccount();
    const code = x.codeNow(secret);
    await x.answerTotp(await mfaStep(), code);
    await expect(x.answerTotp(await mfaStep(), code)).rejects.toBeInstanceOf(InvalidCredentialsError);
    await expect(x.answerTotp(await mfaStep(), x.codeNow(secret, -30_000))).rejects.toBeInstanceOf(
      InvalidCredentialsError,
    );
    expect(x.f.audit.withAction('auth.mfa.challenge.failed').map((e) => e.detail?.reason)).toEqual([
      'totp-replayed',
      'totp-replayed',
    ]);
    x.f.clock.advance(30_000);
    expect((await x.answerTotp(await mfaStep(), x.codeNow(secret))).kind).toBe('session');
  });

  it('lets only one of two replicas sharing a store accept the same code', async () => {
    const { x, secret, mfaStep } = await enrolledAccount();
    const replica = signInFixture({ fakes: x.f });
    const [first, second] = [await mfaStep(), await mfaStep()];
    const code = x.codeNow(secret);
    const results = await Promise.allSettled([x.answerTotp(first, code), replica.answerTotp(second, code)]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const rejected = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(rejected?.reason).toBeInstanceOf(InvalidCredentialsError);
  });

  it('accepts a recovery code once, audits how many remain, and refuses it the second time', async () => {
    const codes = [canonical([1, 2, 3, 4, 5, 6, 7]), canonical([9, 9, 9, 9, 9, 9, 9])];
    const { x, account, mfaStep } = await enrolledAccount(codes);
    const typed = formatRecoveryCode(new Uint8Array([1, 2, 3, 4, 5, 6, 7])).toUpperCase();
    const tokens = tokensOf(await x.answerRecovery(await mfaStep(), typed));
    expect(await x.f.signer.verify(tokens.accessToken)).toMatchObject({ amr: ['pwd', 'rec'] });
    expect(x.f.audit.withAction('auth.recovery_code.used')).toEqual([
      expect.objectContaining({ target: { type: 'account', id: account.id }, detail: { remaining: '1' } }),
    ]);
    await expect(x.answerRecovery(await mfaStep(), typed)).rejects.toBeInstanceOf(InvalidCredentialsError);
    expect(x.f.audit.withAction('auth.mfa.challenge.failed').map((e) => e.detail?.reason)).toEqual([
      'bad-recovery-code',
    ]);
  });

  it('kills the step after 5 wrong answers, so even the right code is refused', async () => {
    const { x, secret, mfaStep } = await enrolledAccount();
    const token = await mfaStep();
    const wrong = x.codeNow(secret) === '000000' ? '111111' : '000000';
    for (let i = 0; i < x.f.policy.pendingStepMaxAttempts; i += 1) {
      await expect(x.answerTotp(token, wrong)).rejects.toBeInstanceOf(InvalidCredentialsError);
      x.f.clock.advance(x.throttle.accountDelayMs(i + 1));
    }
    expect(x.f.pendingSteps.size).toBe(0);
    await expect(x.answerTotp(token, x.codeNow(secret))).rejects.toBeInstanceOf(InvalidCredentialsError);
  });

  it('counts wrong answers in the account throttle, and a right password in between does not clear them', async () => {
    const { x, account, secret, mfaStep } = await enrolledAccount();
    const wrong = x.codeNow(secret) === '000000' ? '111111' : '000000';
    for (let i = 0; i < 5; i += 1)
      await expect(x.answerTotp(await mfaStep(), wrong)).rejects.toBeInstanceOf(InvalidCredentialsError);
    await expect(x.signInAs(account.loginName)).rejects.toEqual(new ThrottledError(1));
  });

  it('refuses a step that expired', async () => {
    const { x, secret, mfaStep } = await enrolledAccount();
    const token = await mfaStep();
    x.f.clock.advance(x.f.policy.pendingStepTtlMs);
    await expect(x.answerTotp(token, x.codeNow(secret))).rejects.toBeInstanceOf(InvalidCredentialsError);
  });

  it('refuses an enrolment-step token', async () => {
    const x = signInFixture();
    const account = await x.seedAccount(await x.seedOrg());
    const token = pendingTokenOf(await x.signInAs(account.loginName), 'enrolment-required');
    await expect(x.answerTotp(token, '123456')).rejects.toBeInstanceOf(InvalidCredentialsError);
  });

  it('hands out no tokens when the sign-in cannot be audited', async () => {
    const { x, secret, mfaStep } = await enrolledAccount();
    const token = await mfaStep();
    x.f.audit.failWhen = (e) => e.action === 'auth.signin.succeeded';
    await expect(x.answerTotp(token, x.codeNow(secret))).rejects.toBeInstanceOf(AuditUnavailableError);
    expect(x.f.sessions.all().every((s) => s.revokedAt !== null)).toBe(true);
  });

  it('requires exactly one well-formed answer', () => {
    const pendingToken = 'A'.repeat(43);
    const fields = (input: Parameters<typeof CompleteMfaCommand.create>[0]) => {
      try {
        CompleteMfaCommand.create(input);
        return [];
      } catch (err) {
        expect(err).toBeInstanceOf(InvalidCommandError);
        return (err as InvalidCommandError).violations.map((v) => v.field);
      }
    };
    expect(fields({ pendingToken })).toEqual(['totpCode']);
    expect(fields({ pendingToken, totpCode: '123456', recoveryCode: 'abcde-fghjk' })).toEqual(['totpCode']);
    expect(fields({ pendingToken, totpCode: '12345a' })).toEqual(['totpCode']);
    expect(fields({ pendingToken, recoveryCode: "x' or 1=1" })).toEqual(['recoveryCode']);
    expect(fields({ pendingToken: 'short', totpCode: '123 456' })).toEqual(['pendingToken']);
    expect(fields({ pendingToken, totpCode: '123 456' })).toEqual([]);
  });
});
