import { InvalidCredentialsError } from '../identity.errors';
import { StartEnrolmentCommand } from '../mfa/start-enrolment.command';
import { VerifyEnrolmentCommand } from '../mfa/verify-enrolment.command';
import { RefreshCommand } from '../sessions/refresh.command';
import { pendingTokenOf, SOURCE, signInFixture, tokensOf } from '../testing/sign-in.fixture';

const PLANTED_PASSWORD = 'Planted-Pa55word-7319-zq';
const PLANTED_LOGIN = 'planted.login.name@contoso';

describe('audit records of the sign-in flows', () => {
  it('carry no password, login name, TOTP secret or code, recovery code, or token', async () => {
    const x = signInFixture();
    const org = await x.seedOrg();
    const account = await x.seedAccount(
      org,
      { roles: ['org-admin'], loginName: PLANTED_LOGIN },
      PLANTED_PASSWORD,
    );
    const planted: string[] = [PLANTED_PASSWORD, PLANTED_LOGIN];
    const caught = (p: Promise<unknown>) => expect(p).rejects.toBeInstanceOf(InvalidCredentialsError);

    // Failures: wrong password, unknown name, over-long password.
    await caught(x.signInAs(PLANTED_LOGIN, `${PLANTED_PASSWORD}-wrong`));
    await caught(x.signInAs(`${PLANTED_LOGIN}.unknown`, PLANTED_PASSWORD));
    await caught(x.signInAs(PLANTED_LOGIN, PLANTED_PASSWORD.repeat(4)));
    planted.push(`${PLANTED_PASSWORD}-wrong`);

    // Enrolment with a wrong and a right code.
    const enrolToken = pendingTokenOf(
      await x.signInAs(PLANTED_LOGIN, PLANTED_PASSWORD),
      'enrolment-required',
    );
    await x.startEnrolment.execute(StartEnrolmentCommand.create({ pendingToken: enrolToken, ...SOURCE }));
    const secret = (await x.f.accounts.readTotpSecret(account.id))?.secret ?? '';
    const code = x.codeNow(secret);
    await caught(
      x.verifyEnrolment.execute(
        VerifyEnrolmentCommand.create({
          pendingToken: enrolToken,
          totpCode: code === '000000' ? '111111' : '000000',
          ...SOURCE,
        }),
      ),
    );
    const done = await x.verifyEnrolment.execute(
      VerifyEnrolmentCommand.create({ pendingToken: enrolToken, totpCode: code, ...SOURCE }),
    );
    planted.push(
      enrolToken,
      secret,
      ...done.recoveryCodes,
      done.tokens.accessToken,
      done.tokens.refreshToken,
    );

    // MFA: replayed code, recovery code; refresh and reuse.
    const mfa1 = pendingTokenOf(await x.signInAs(PLANTED_LOGIN, PLANTED_PASSWORD), 'mfa-required');
    await caught(x.answerTotp(mfa1, code));
    const rec = tokensOf(await x.answerRecovery(mfa1, done.recoveryCodes[0] ?? ''));
    const rotated = await x.refresh.execute(RefreshCommand.create({ refreshToken: rec.refreshToken }));
    await caught(x.refresh.execute(RefreshCommand.create({ refreshToken: rec.refreshToken })));
    planted.push(mfa1, rec.accessToken, rec.refreshToken, rotated.accessToken, rotated.refreshToken);

    expect(x.f.audit.actions()).toEqual(
      expect.arrayContaining([
        'auth.signin.failed',
        'auth.mfa.challenge.failed',
        'auth.mfa.enrolled',
        'auth.signin.succeeded',
        'auth.recovery_code.used',
        'auth.refresh.reused',
      ]),
    );
    const recorded = JSON.stringify(x.f.audit.entries).toLowerCase();
    for (const value of planted) expect(recorded).not.toContain(value.toLowerCase());
    expect(recorded).not.toContain('planted');
    expect(recorded).not.toContain(secret.toLowerCase().slice(0, 12));
  });
});
