import type { Account, Organisation } from '@ferry/identity/domain';
import {
  anAccount,
  anOrganisation,
  createIdentityFakes,
  type IdentityFakes,
  TestTotp,
} from '@ferry/identity/testing';
import type { IdentityPolicy } from '../identity-policy';
import { CompleteMfaCommand } from '../mfa/complete-mfa.command';
import { CompleteMfaUseCase } from '../mfa/complete-mfa.usecase';
import { ResetMfaUseCase } from '../mfa/reset-mfa.usecase';
import { StartEnrolmentUseCase } from '../mfa/start-enrolment.usecase';
import { VerifyEnrolmentUseCase } from '../mfa/verify-enrolment.usecase';
import { SessionIssuer } from '../session-issuer';
import { RefreshUseCase } from '../sessions/refresh.usecase';
import { RevokeSessionsUseCase } from '../sessions/revoke-sessions.usecase';
import { SignOutUseCase } from '../sessions/sign-out.usecase';
import { PendingSteps } from '../signin/pending-steps.service';
import { SignInThrottle } from '../signin/sign-in-throttle';
import { SignInWithPasswordCommand } from '../signin/sign-in-with-password.command';
import { SignInWithPasswordUseCase } from '../signin/sign-in-with-password.usecase';
import type { SignInResult } from '../signin/sign-in.result';

// The one place these specs reach the testing lib (by relative path until it has an alias).
export { anAccount, createIdentityFakes };

/** A password no list contains, 20 characters: enough with or without MFA. Specs only. */
export const GOOD_PASSWORD = 'tQ9#vLm2-xK7!pRw4zYb';
export const SOURCE = { sourceAddress: '203.0.113.7', userAgent: 'spec-agent/1.0' };

/** Every sign-in and session use case wired over one set of fakes, plus helpers to seed accounts. Specs only. */
export function signInFixture(options: { policy?: IdentityPolicy; fakes?: IdentityFakes } = {}) {
  const f = options.fakes ?? createIdentityFakes(options);
  const throttle = new SignInThrottle(f.throttle, f.keyedHasher, f.policy);
  const pending = new PendingSteps(f.pendingSteps, f.accounts, f.keyedHasher, f.policy);
  const issuer = new SessionIssuer(f.sessions, f.keyedHasher, f.signer, f.audit, f.policy);
  const signIn = new SignInWithPasswordUseCase(
    f.accounts,
    f.organisations,
    f.passwordHasher,
    f.audit,
    f.clock,
    throttle,
    pending,
    issuer,
  );
  const completeMfa = new CompleteMfaUseCase(
    f.accounts,
    f.totp,
    f.keyedHasher,
    f.audit,
    f.clock,
    throttle,
    pending,
    issuer,
  );
  const startEnrolment = new StartEnrolmentUseCase(f.accounts, f.totp, f.clock, pending);
  const verifyEnrolment = new VerifyEnrolmentUseCase(
    f.accounts,
    f.totp,
    f.keyedHasher,
    f.unitOfWork,
    f.audit,
    f.clock,
    f.policy,
    throttle,
    pending,
    issuer,
  );
  const refresh = new RefreshUseCase(
    f.sessions,
    f.accounts,
    f.keyedHasher,
    f.signer,
    f.audit,
    f.clock,
    f.policy,
  );
  const signOut = new SignOutUseCase(f.sessions, f.audit, f.clock);
  const revokeSessions = new RevokeSessionsUseCase(f.accounts, f.sessions, f.audit, f.clock);
  const resetMfa = new ResetMfaUseCase(f.unitOfWork, f.audit, f.clock);

  /** Inserts an organisation (MFA required unless overridden). */
  const seedOrg = async (overrides: Partial<Organisation> = {}): Promise<Organisation> => {
    const org = anOrganisation(overrides);
    await f.organisations.insert(org);
    return org;
  };

  /** Inserts an account with `password` (hashed by the fake) in `org`. */
  const seedAccount = async (
    org: Organisation | null,
    overrides: Partial<Account> = {},
    password = GOOD_PASSWORD,
  ): Promise<Account> => {
    const account = anAccount({ orgId: org?.id ?? null, ...overrides, mfaEnrolled: false });
    await f.accounts.insert(account, f.passwordHasher.hashSync(password));
    return account;
  };

  /** Enrols TOTP for an account directly in the store (as if done long ago) and returns its secret. */
  const enrol = async (account: Account, recoveryCodes: readonly string[] = []): Promise<string> => {
    const secret = f.totp.generateSecret();
    await f.accounts.storePendingTotpSecret(account.id, secret);
    await f.accounts.confirmTotp(account.id, 0);
    await f.accounts.replaceRecoveryCodes(
      account.id,
      recoveryCodes.map((c) => f.keyedHasher.tokenHash(c)),
    );
    return secret;
  };

  const signInAs = (
    loginName: string,
    password = GOOD_PASSWORD,
    from: { sourceAddress?: string; userAgent?: string } = SOURCE,
  ): Promise<SignInResult> =>
    signIn.execute(SignInWithPasswordCommand.create({ loginName, password, ...from }));

  /** The current valid code for `secret`. */
  const codeNow = (secret: string, offsetMs = 0): string =>
    f.totp.codeAt(secret, new Date(f.clock.now().getTime() + offsetMs));

  const answerTotp = (pendingToken: string, totpCode: string, from = SOURCE) =>
    completeMfa.execute(CompleteMfaCommand.create({ pendingToken, totpCode, ...from }));
  const answerRecovery = (pendingToken: string, recoveryCode: string, from = SOURCE) =>
    completeMfa.execute(CompleteMfaCommand.create({ pendingToken, recoveryCode, ...from }));

  return {
    f,
    throttle,
    pending,
    issuer,
    signIn,
    completeMfa,
    startEnrolment,
    verifyEnrolment,
    refresh,
    signOut,
    revokeSessions,
    resetMfa,
    seedOrg,
    seedAccount,
    enrol,
    signInAs,
    codeNow,
    answerTotp,
    answerRecovery,
    stepAt: TestTotp.stepAt,
  };
}

export type SignInFixture = ReturnType<typeof signInFixture>;

/** The pending token of a result that must be a pending step of `kind`. */
export function pendingTokenOf(result: SignInResult, kind: 'mfa-required' | 'enrolment-required'): string {
  if (result.kind !== kind) throw new Error(`expected ${kind}, got ${result.kind}`);
  return result.step.token;
}

/** The tokens of a result that must be a session. */
export function tokensOf(result: SignInResult) {
  if (result.kind !== 'session') throw new Error(`expected a session, got ${result.kind}`);
  return result.tokens;
}
