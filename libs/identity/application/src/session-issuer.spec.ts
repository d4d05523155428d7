import { AuditUnavailableError } from './identity.errors';
import { SessionIssuer } from './session-issuer';
import { anAccount, createIdentityFakes } from './testing/sign-in.fixture';

function setUp() {
  const f = createIdentityFakes();
  return { f, issuer: new SessionIssuer(f.sessions, f.keyedHasher, f.signer, f.audit, f.policy) };
}

describe('issuing a session', () => {
  it('stores the session with only the hash of its 32-byte refresh token, and signs a 5-minute access token', async () => {
    const { f, issuer } = setUp();
    const account = anAccount({ roles: ['auditor'] });
    const now = f.clock.now();
    const tokens = await issuer.issue({ account, amr: ['fed'], subjectPseudonym: 'pseudo-1', now });
    expect(Buffer.from(tokens.refreshToken, 'base64url')).toHaveLength(32);
    expect(f.sessions.currentTokenHash(tokens.sessionId)).toBe(f.keyedHasher.tokenHash(tokens.refreshToken));
    expect(JSON.stringify(f.sessions.all())).not.toContain(tokens.refreshToken);
    expect(await f.sessions.findById(tokens.sessionId)).toMatchObject({
      accountId: account.id,
      orgId: account.orgId,
      amr: ['fed'],
      subjectPseudonym: 'pseudo-1',
      idleExpiresAt: new Date(now.getTime() + f.policy.sessionIdleMs),
      absoluteExpiresAt: tokens.sessionExpiresAt,
    });
    expect(tokens.accessTokenExpiresAt.getTime() - now.getTime()).toBe(f.policy.accessTokenTtlMs);
    expect(await f.signer.verify(tokens.accessToken)).toMatchObject({
      sub: account.id,
      sid: tokens.sessionId,
      org: account.orgId,
      roles: ['auditor'],
      amr: ['fed'],
    });
  });

  it('leaves out the org claim for a platform account', async () => {
    const { f, issuer } = setUp();
    const tokens = await issuer.issue({
      account: anAccount({ orgId: null, roles: ['platform-admin'] }),
      amr: ['pwd', 'otp'],
      subjectPseudonym: null,
      now: f.clock.now(),
    });
    expect(await f.signer.verify(tokens.accessToken)).not.toHaveProperty('org');
  });

  it('withdraws the session and hands out nothing when the sign-in cannot be audited', async () => {
    const { f, issuer } = setUp();
    f.audit.failing = true;
    const entry = (sessionId: string) => ({
      orgId: null,
      actor: { kind: 'service' as const, id: 'identity' },
      action: 'auth.signin.succeeded' as const,
      target: { type: 'session', id: sessionId },
      outcome: 'success' as const,
      sourceAddress: '',
      userAgent: '',
    });
    await expect(
      issuer.issueAudited(
        { account: anAccount(), amr: ['pwd'], subjectPseudonym: null, now: f.clock.now() },
        entry,
      ),
    ).rejects.toBeInstanceOf(AuditUnavailableError);
    expect(f.sessions.all()).toEqual([expect.objectContaining({ revokeReason: 'audit-unavailable' })]);
  });
});
