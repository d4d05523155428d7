import { AuditUnavailableError, InvalidCommandError, InvalidCredentialsError } from '../identity.errors';
import { SOURCE, signInFixture, tokensOf } from '../testing/sign-in.fixture';
import { RefreshCommand } from './refresh.command';

const MINUTE = 60_000;

async function signedIn() {
  const x = signInFixture();
  const org = await x.seedOrg({ mfaRequired: false });
  const account = await x.seedAccount(org, { roles: ['viewer'] });
  const tokens = tokensOf(await x.signInAs(account.loginName));
  const refresh = (refreshToken: string) =>
    x.refresh.execute(RefreshCommand.create({ refreshToken, ...SOURCE }));
  return { x, org, account, tokens, refresh };
}

describe('refreshing a session', () => {
  it('rotates the refresh token and signs a new access token for the same session', async () => {
    const { x, account, tokens, refresh } = await signedIn();
    x.f.clock.advance(4 * MINUTE);
    const next = await refresh(tokens.refreshToken);
    expect(next.refreshToken).not.toBe(tokens.refreshToken);
    expect(next.sessionId).toBe(tokens.sessionId);
    expect(next.sessionExpiresAt).toEqual(tokens.sessionExpiresAt);
    expect(await x.f.signer.verify(next.accessToken)).toMatchObject({
      sub: account.id,
      sid: tokens.sessionId,
      amr: ['pwd'],
    });
    expect(x.f.sessions.currentTokenHash(tokens.sessionId)).toBe(
      x.f.keyedHasher.tokenHash(next.refreshToken),
    );
  });

  it('revokes the whole session when a spent token is presented again, and audits it', async () => {
    const { x, org, tokens, refresh } = await signedIn();
    const next = await refresh(tokens.refreshToken);
    await expect(refresh(tokens.refreshToken)).rejects.toBeInstanceOf(InvalidCredentialsError);
    expect(await x.f.sessions.findById(tokens.sessionId)).toMatchObject({ revokeReason: 'refresh-reused' });
    expect(x.f.audit.withAction('auth.refresh.reused')).toEqual([
      expect.objectContaining({
        orgId: org.id,
        target: { type: 'session', id: tokens.sessionId },
        outcome: 'denied',
      }),
    ]);
    // The family is dead: the legitimate latest token no longer works either.
    await expect(refresh(next.refreshToken)).rejects.toBeInstanceOf(InvalidCredentialsError);
  });

  it('revokes on reuse even when the audit trail is down, and says the session was ended without its record', async () => {
    const { x, tokens, refresh } = await signedIn();
    await refresh(tokens.refreshToken);
    x.f.audit.failing = true;
    const reused = refresh(tokens.refreshToken);
    await expect(reused).rejects.toBeInstanceOf(AuditUnavailableError);
    await expect(reused).rejects.toThrow(
      'the audit trail is unavailable; the session was ended, but its audit record could not be stored',
    );
    expect((await x.f.sessions.findById(tokens.sessionId))?.revokedAt).not.toBeNull();
  });

  it('ends a session left idle for 30 minutes', async () => {
    const { x, tokens, refresh } = await signedIn();
    x.f.clock.advance(30 * MINUTE);
    await expect(refresh(tokens.refreshToken)).rejects.toBeInstanceOf(InvalidCredentialsError);
  });

  it('keeps an active session alive until its absolute 12-hour limit', async () => {
    const { x, tokens, refresh } = await signedIn();
    let token = tokens.refreshToken;
    for (let elapsed = 0; elapsed + 29 * MINUTE < 12 * 60 * MINUTE; elapsed += 29 * MINUTE) {
      x.f.clock.advance(29 * MINUTE);
      token = (await refresh(token)).refreshToken;
    }
    x.f.clock.set(tokens.sessionExpiresAt);
    await expect(refresh(token)).rejects.toBeInstanceOf(InvalidCredentialsError);
  });

  it('refuses an unknown token', async () => {
    const { refresh } = await signedIn();
    await expect(refresh('A'.repeat(43))).rejects.toBeInstanceOf(InvalidCredentialsError);
  });

  it('refuses the token of a signed-out session', async () => {
    const { x, tokens, refresh } = await signedIn();
    await x.f.sessions.revoke(tokens.sessionId, 'signed-out', x.f.clock.now());
    await expect(refresh(tokens.refreshToken)).rejects.toBeInstanceOf(InvalidCredentialsError);
  });

  it('reloads the account, so a role change shows in the next access token', async () => {
    const { x, account, tokens, refresh } = await signedIn();
    await x.f.accounts.setRoles(account.id, ['auditor']);
    const next = await refresh(tokens.refreshToken);
    expect(await x.f.signer.verify(next.accessToken)).toMatchObject({ roles: ['auditor'] });
  });

  it('refuses to refresh for a removed account and ends its session', async () => {
    const { x, account, tokens, refresh } = await signedIn();
    await x.f.accounts.remove(account.id);
    await expect(refresh(tokens.refreshToken)).rejects.toBeInstanceOf(InvalidCredentialsError);
    expect((await x.f.sessions.findById(tokens.sessionId))?.revokedAt).not.toBeNull();
  });

  it('refuses a malformed token as an invalid command without echoing it', () => {
    expect(() => RefreshCommand.create({ refreshToken: "x' OR '1'='1" })).toThrow(InvalidCommandError);
    expect(() => RefreshCommand.create({ refreshToken: "x' OR '1'='1" })).not.toThrow(/OR/);
  });
});
