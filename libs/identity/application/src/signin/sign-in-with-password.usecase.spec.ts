import {
  AuditUnavailableError,
  InvalidCommandError,
  InvalidCredentialsError,
  ThrottledError,
} from '../identity.errors';
import { DEFAULT_IDENTITY_POLICY } from '../identity-policy';
import { HashingBusyError } from '../identity.ports';
import { GOOD_PASSWORD, pendingTokenOf, SOURCE, signInFixture, tokensOf } from '../testing/sign-in.fixture';
import { SignInWithPasswordCommand } from './sign-in-with-password.command';

const WRONG = 'not-the-password-at-all';

async function errorOf(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a failure');
}

describe('signing in with a password', () => {
  it('gives a non-admin of an organisation without required MFA a session when the password has 15+ characters', async () => {
    const x = signInFixture();
    const org = await x.seedOrg({ mfaRequired: false });
    const account = await x.seedAccount(org, { roles: ['migration-operator'] });
    const tokens = tokensOf(await x.signInAs(account.loginName));
    const claims = await x.f.signer.verify(tokens.accessToken);
    expect(claims).toMatchObject({
      sub: account.id,
      sid: tokens.sessionId,
      org: org.id,
      roles: ['migration-operator'],
      amr: ['pwd'],
    });
    expect(x.f.sessions.currentTokenHash(tokens.sessionId)).toBe(
      x.f.keyedHasher.tokenHash(tokens.refreshToken),
    );
    expect(tokens.sessionExpiresAt.getTime() - x.f.clock.now().getTime()).toBe(
      DEFAULT_IDENTITY_POLICY.sessionAbsoluteMs,
    );
    expect(x.f.audit.withAction('auth.signin.succeeded')).toEqual([
      expect.objectContaining({ orgId: org.id, target: { type: 'session', id: tokens.sessionId } }),
    ]);
  });

  it('asks an enrolled account for its second factor and opens no session yet', async () => {
    const x = signInFixture();
    const account = await x.seedAccount(await x.seedOrg());
    await x.enrol(account);
    const result = await x.signInAs(account.loginName);
    expect(result.kind).toBe('mfa-required');
    expect(x.f.sessions.all()).toEqual([]);
    expect(x.f.pendingSteps.hashes()).toEqual([
      x.f.keyedHasher.tokenHash(pendingTokenOf(result, 'mfa-required')),
    ]);
  });

  it('sends an org-admin without TOTP to enrolment even when the organisation does not require MFA', async () => {
    const x = signInFixture();
    const account = await x.seedAccount(await x.seedOrg({ mfaRequired: false }), { roles: ['org-admin'] });
    expect((await x.signInAs(account.loginName)).kind).toBe('enrolment-required');
  });

  it('sends a platform-admin without TOTP to enrolment', async () => {
    const x = signInFixture();
    const account = await x.seedAccount(null, { roles: ['platform-admin'] });
    expect((await x.signInAs(account.loginName)).kind).toBe('enrolment-required');
  });

  it('sends a non-admin to enrolment when the organisation requires MFA', async () => {
    const x = signInFixture();
    const account = await x.seedAccount(await x.seedOrg({ mfaRequired: true }), { roles: ['viewer'] });
    expect((await x.signInAs(account.loginName)).kind).toBe('enrolment-required');
  });

  it('sends an account whose password is shorter than 15 characters to enrolment even where MFA is optional', async () => {
    const x = signInFixture();
    const short = 'kq7Zv!mW2x'; // 10: acceptable only with MFA
    const account = await x.seedAccount(await x.seedOrg({ mfaRequired: false }), {}, short);
    expect((await x.signInAs(account.loginName, short)).kind).toBe('enrolment-required');
  });

  it('normalises the typed login name (case, full-width letters, spaces)', async () => {
    const x = signInFixture();
    const account = await x.seedAccount(await x.seedOrg({ mfaRequired: false }), { loginName: 'itadmin' });
    expect((await x.signInAs('  ＩＴＡｄｍｉｎ ')).kind).toBe('session');
    expect(x.f.audit.withAction('auth.signin.succeeded')[0]?.actor.id).toBe(account.id);
  });

  it('refuses a wrong password with the credentials error and audits the reason', async () => {
    const x = signInFixture();
    const org = await x.seedOrg();
    const account = await x.seedAccount(org);
    await expect(x.signInAs(account.loginName, WRONG)).rejects.toBeInstanceOf(InvalidCredentialsError);
    expect(x.f.audit.withAction('auth.signin.failed')).toEqual([
      expect.objectContaining({
        orgId: org.id,
        actor: { kind: 'anonymous', id: 'anonymous' },
        target: { type: 'login', id: x.f.keyedHasher.pseudonym(`login:${account.loginName}`) },
        outcome: 'failure',
        sourceAddress: SOURCE.sourceAddress,
        detail: { reason: 'bad-password' },
      }),
    ]);
  });

  it('answers an unknown and a known account identically, with the same hashing work', async () => {
    const known = signInFixture();
    const account = await known.seedAccount(await known.seedOrg());
    const unknown = signInFixture();
    const a = await errorOf(known.signInAs(account.loginName, WRONG));
    const b = await errorOf(unknown.signInAs(account.loginName, WRONG));
    expect(a).toBeInstanceOf(InvalidCredentialsError);
    expect(b).toBeInstanceOf(InvalidCredentialsError);
    expect(a.message).toBe(b.message);
    expect(known.f.passwordHasher.work).toBe(1);
    expect(unknown.f.passwordHasher.work).toBe(1);
    expect(unknown.f.passwordHasher.calls.verifyDummy).toBe(1);
    // Throttling is keyed by the typed name, so it behaves the same too.
    for (let i = 1; i < 5; i += 1) {
      await errorOf(known.signInAs(account.loginName, WRONG));
      await errorOf(unknown.signInAs(account.loginName, WRONG));
    }
    const [c, d] = [
      await errorOf(known.signInAs(account.loginName, WRONG)),
      await errorOf(unknown.signInAs(account.loginName, WRONG)),
    ];
    expect(c).toEqual(new ThrottledError(1));
    expect(d).toEqual(new ThrottledError(1));
    expect(known.f.passwordHasher.work).toBe(unknown.f.passwordHasher.work);
  });

  it("queues the hashing under the caller's source address ('' when unknown), for the real and the dummy verification", async () => {
    const x = signInFixture();
    const account = await x.seedAccount(await x.seedOrg());
    await errorOf(x.signInAs(account.loginName, WRONG));
    await errorOf(x.signInAs('nobody-here', WRONG));
    await errorOf(x.signInAs(account.loginName, WRONG, { sourceAddress: '' }));
    expect(x.f.passwordHasher.queueKeys).toEqual([SOURCE.sourceAddress, SOURCE.sourceAddress, '']);
  });

  it('answers a full hashing queue with retry after 1 s, counting and auditing no failure, alike for an existing and an unknown account', async () => {
    const known = signInFixture();
    const account = await known.seedAccount(await known.seedOrg({ mfaRequired: false }));
    const unknown = signInFixture();
    for (const reason of ['key-queue-full', 'queue-full', 'deadline'] as const) {
      known.f.passwordHasher.busy = reason;
      unknown.f.passwordHasher.busy = reason;
      const a = await errorOf(known.signInAs(account.loginName, GOOD_PASSWORD));
      const b = await errorOf(unknown.signInAs(account.loginName, GOOD_PASSWORD));
      expect(a).toEqual(new ThrottledError(1));
      expect(b).toEqual(new ThrottledError(1));
      expect(a.message).toBe(b.message);
    }
    for (const x of [known, unknown]) {
      const now = x.f.clock.now();
      expect(
        (await x.f.throttle.read(x.f.keyedHasher.pseudonym(`login:${account.loginName}`), now)).failures,
      ).toBe(0);
      expect(
        (await x.f.throttle.read(x.f.keyedHasher.pseudonym(`source:${SOURCE.sourceAddress}`), now)).failures,
      ).toBe(0);
      expect(x.f.audit.withAction('auth.signin.failed')).toEqual([]);
      expect(x.f.passwordHasher.work).toBe(0);
    }
    // Nothing was counted: once there is room, the right password goes straight in.
    known.f.passwordHasher.busy = null;
    expect((await known.signInAs(account.loginName)).kind).toBe('session');
  });

  it('still signs in, keeping the old hash for a later sign-in, when there is no room to rehash', async () => {
    const x = signInFixture();
    const account = await x.seedAccount(await x.seedOrg({ mfaRequired: false }));
    const old = x.f.accounts.stored(account.id)?.passwordHash;
    x.f.passwordHasher.currentVersion = 'v2';
    jest.spyOn(x.f.passwordHasher, 'hash').mockRejectedValueOnce(new HashingBusyError('queue-full'));
    expect((await x.signInAs(account.loginName)).kind).toBe('session');
    expect(x.f.accounts.stored(account.id)?.passwordHash).toBe(old);
    expect(x.f.audit.withAction('account.password.rehashed')).toEqual([]);
    await x.signInAs(account.loginName);
    expect(x.f.accounts.stored(account.id)?.passwordHash).toBe(
      x.f.passwordHasher.hashSync(GOOD_PASSWORD, 'v2'),
    );
  });

  it('pays a dummy verification for an account that has no password (federated)', async () => {
    const x = signInFixture();
    const org = await x.seedOrg();
    const account = await x.seedAccount(org, {
      federated: { issuer: 'https://login.example', subject: 'tid:oid' },
    });
    await x.f.accounts.remove(account.id);
    await x.f.accounts.insert(account, null);
    await expect(x.signInAs(account.loginName)).rejects.toBeInstanceOf(InvalidCredentialsError);
    expect(x.f.passwordHasher.calls).toEqual({ hash: 0, verify: 0, verifyDummy: 1 });
    expect(x.f.audit.withAction('auth.signin.failed')[0]?.detail).toEqual({ reason: 'no-password' });
  });

  it('refuses a password over 64 characters before any lookup or hashing, and counts it', async () => {
    const x = signInFixture();
    const account = await x.seedAccount(await x.seedOrg());
    await expect(x.signInAs(account.loginName, 'a'.repeat(65))).rejects.toBeInstanceOf(
      InvalidCredentialsError,
    );
    await expect(x.signInAs(account.loginName, '😀'.repeat(65))).rejects.toBeInstanceOf(
      InvalidCredentialsError,
    );
    await expect(x.signInAs(account.loginName, 'x'.repeat(1_000_000))).rejects.toBeInstanceOf(
      InvalidCredentialsError,
    );
    expect(x.f.passwordHasher.work).toBe(0);
    expect(
      (await x.f.throttle.read(x.f.keyedHasher.pseudonym(`login:${account.loginName}`), x.f.clock.now()))
        .failures,
    ).toBe(3);
    expect(x.f.audit.withAction('auth.signin.failed').map((e) => e.detail?.reason)).toEqual([
      'password-too-long',
      'password-too-long',
      'password-too-long',
    ]);
    await expect(x.signInAs(account.loginName, '😀'.repeat(64))).rejects.toBeInstanceOf(
      InvalidCredentialsError,
    );
    expect(x.f.passwordHasher.calls.verify).toBe(1);
  });

  it('makes each attempt after 5 failures wait 2^(n-5) seconds, without hashing while it waits', async () => {
    const x = signInFixture();
    const account = await x.seedAccount(await x.seedOrg());
    for (let i = 0; i < 5; i += 1) await errorOf(x.signInAs(account.loginName, WRONG));
    for (const wait of [1, 2, 4, 8, 16]) {
      const work = x.f.passwordHasher.work;
      expect(await errorOf(x.signInAs(account.loginName, GOOD_PASSWORD))).toEqual(new ThrottledError(wait));
      expect(x.f.passwordHasher.work).toBe(work);
      x.f.clock.advance(wait * 1000);
      await errorOf(x.signInAs(account.loginName, WRONG));
    }
    // The 10th failure locks the account for 15 minutes.
    expect(await errorOf(x.signInAs(account.loginName, GOOD_PASSWORD))).toEqual(new ThrottledError(900));
  });

  it('locks an account after 10 failures, audits the lockout once, and lets the right password in after it', async () => {
    const x = signInFixture();
    const account = await x.seedAccount(await x.seedOrg({ mfaRequired: false }));
    const policy = x.f.policy.accountThrottle;
    for (let n = 1; n <= policy.lockAfter; n += 1) {
      await errorOf(x.signInAs(account.loginName, WRONG));
      if (n < policy.lockAfter) x.f.clock.advance(x.throttle.accountDelayMs(n));
    }
    expect(x.f.audit.withAction('auth.lockout.account')).toEqual([
      expect.objectContaining({
        target: { type: 'login', id: x.f.keyedHasher.pseudonym(`login:${account.loginName}`) },
        outcome: 'denied',
      }),
    ]);
    x.f.clock.advance(policy.lockMs - 1000);
    await expect(x.signInAs(account.loginName, GOOD_PASSWORD)).rejects.toEqual(new ThrottledError(1));
    x.f.clock.advance(1000);
    expect((await x.signInAs(account.loginName, GOOD_PASSWORD)).kind).toBe('session');
    expect(x.f.audit.withAction('auth.lockout.account')).toHaveLength(1);
  });

  it('resets the account counter after a successful sign-in', async () => {
    const x = signInFixture();
    const account = await x.seedAccount(await x.seedOrg({ mfaRequired: false }));
    for (let i = 0; i < 4; i += 1) await errorOf(x.signInAs(account.loginName, WRONG));
    await x.signInAs(account.loginName);
    await errorOf(x.signInAs(account.loginName, WRONG));
    expect(
      (await x.f.throttle.read(x.f.keyedHasher.pseudonym(`login:${account.loginName}`), x.f.clock.now()))
        .failures,
    ).toBe(1);
  });

  it('blocks a source address after 100 failures across any login names, and audits it once', async () => {
    const x = signInFixture();
    const account = await x.seedAccount(await x.seedOrg({ mfaRequired: false }));
    for (let i = 0; i < 100; i += 1) await errorOf(x.signInAs(`guess-${i}`, WRONG));
    expect(await errorOf(x.signInAs(account.loginName))).toEqual(new ThrottledError(900));
    expect(x.f.audit.withAction('auth.throttle.source')).toEqual([
      expect.objectContaining({
        target: { type: 'source', id: x.f.keyedHasher.pseudonym(`source:${SOURCE.sourceAddress}`) },
        sourceAddress: SOURCE.sourceAddress,
      }),
    ]);
    expect((await x.signInAs(account.loginName, GOOD_PASSWORD, { sourceAddress: '198.51.100.9' })).kind).toBe(
      'session',
    );
  });

  it('rehashes a password stored with old parameters on a successful sign-in, and audits it', async () => {
    const x = signInFixture();
    const account = await x.seedAccount(await x.seedOrg());
    x.f.passwordHasher.currentVersion = 'v2';
    await x.signInAs(account.loginName);
    expect(x.f.accounts.stored(account.id)?.passwordHash).toBe(
      x.f.passwordHasher.hashSync(GOOD_PASSWORD, 'v2'),
    );
    expect(x.f.audit.withAction('account.password.rehashed')).toEqual([
      expect.objectContaining({ target: { type: 'account', id: account.id }, outcome: 'success' }),
    ]);
    await x.signInAs(account.loginName);
    expect(x.f.audit.withAction('account.password.rehashed')).toHaveLength(1);
  });

  it('hands out no tokens when the sign-in cannot be audited, and withdraws the session', async () => {
    const x = signInFixture();
    const account = await x.seedAccount(await x.seedOrg({ mfaRequired: false }));
    x.f.audit.failing = true;
    await expect(x.signInAs(account.loginName)).rejects.toBeInstanceOf(AuditUnavailableError);
    expect(x.f.sessions.all()).toEqual([expect.objectContaining({ revokeReason: 'audit-unavailable' })]);
  });

  it('still counts a failure when the audit trail is down', async () => {
    const x = signInFixture();
    const account = await x.seedAccount(await x.seedOrg());
    x.f.audit.failing = true;
    for (let i = 0; i < 5; i += 1)
      await expect(x.signInAs(account.loginName, WRONG)).rejects.toBeInstanceOf(AuditUnavailableError);
    await expect(x.signInAs(account.loginName, WRONG)).rejects.toBeInstanceOf(ThrottledError);
  });

  it('refuses malformed, confusable and SQL-special login names as an invalid command without echoing them', () => {
    for (const loginName of ["admin'--", '\u0430dmin', 'a b', '', 'x'.repeat(65)]) {
      try {
        SignInWithPasswordCommand.create({ loginName, password: 'secret-pw' });
        throw new Error('expected a failure');
      } catch (err) {
        expect(err).toBeInstanceOf(InvalidCommandError);
        expect((err as InvalidCommandError).violations.map((v) => v.field)).toEqual(['loginName']);
        if (loginName !== '') expect((err as Error).message).not.toContain(loginName);
        expect((err as Error).message).not.toContain('secret-pw');
      }
    }
  });

  it('trims the caller details to their bounds', async () => {
    const x = signInFixture();
    await errorOf(
      x.signInAs('nobody', WRONG, { sourceAddress: '1'.repeat(100), userAgent: 'u'.repeat(1000) }),
    );
    const entry = x.f.audit.withAction('auth.signin.failed')[0];
    expect(entry?.sourceAddress).toHaveLength(64);
    expect(entry?.userAgent).toHaveLength(256);
  });
});
