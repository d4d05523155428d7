import { decodeProtectedHeader } from 'jose';
import { TestAccessTokenSigner } from './es256-access-token.signer';
import { FakePasswordHasher } from './fake-password.hasher';
import { MemoryPendingStepRepository } from './memory-pending-step.repository';
import { TestTotp } from './otpauth.totp';

describe('the identity fakes', () => {
  it('TOTP follows RFC 6238 (appendix B vector, SHA-1, truncated to 6 digits)', () => {
    const totp = new TestTotp();
    const secret = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ'; // "12345678901234567890"
    expect(totp.codeAt(secret, new Date(59_000))).toBe('287082');
    expect(totp.match(secret, '287082', new Date(59_000))).toBe(1);
    expect(totp.match(secret, '287082', new Date(89_000))).toBe(1);
    expect(totp.match(secret, '287082', new Date(120_000))).toBeNull();
  });

  it('the password hasher verifies, asks for a rehash when its version moved on, and counts work', async () => {
    const hasher = new FakePasswordHasher('v1');
    const stored = await hasher.hash('pw-one');
    expect(await hasher.verify(stored, 'pw-one')).toEqual({ ok: true, needsRehash: false });
    expect(await hasher.verify(stored, 'pw-two')).toEqual({ ok: false, needsRehash: false });
    hasher.currentVersion = 'v2';
    expect(await hasher.verify(stored, 'pw-one')).toEqual({ ok: true, needsRehash: true });
    expect(await hasher.verifyDummy('x')).toBe(false);
    expect(hasher.calls).toEqual({ hash: 1, verify: 3, verifyDummy: 1 });
  });

  it('the signer issues ES256 at+jwt tokens with its kid that verify against its JWKS, and tampering fails', async () => {
    const signer = new TestAccessTokenSigner({ now: () => new Date() });
    const { token } = await signer.sign({
      accountId: 'a',
      sessionId: 's',
      orgId: null,
      roles: ['viewer'],
      amr: ['pwd'],
    });
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'ES256', kid: signer.kid, typ: 'at+jwt' });
    expect(await signer.verify(token)).toMatchObject({
      sub: 'a',
      sid: 's',
      aud: 'ferry-api',
      roles: ['viewer'],
    });
    const [h, , s] = token.split('.');
    const forged = `${h}.${Buffer.from(JSON.stringify({ sub: 'b' })).toString('base64url')}.${s}`;
    await expect(signer.verify(forged)).rejects.toThrow();
    expect((await signer.jwks()).keys).toEqual([
      expect.objectContaining({ kty: 'EC', crv: 'P-256', kid: signer.kid, alg: 'ES256' }),
    ]);
    expect((await signer.jwks()).keys[0]).not.toHaveProperty('d');
  });

  it('pending steps are found by purpose while live and consumed once', async () => {
    const steps = new MemoryPendingStepRepository();
    const expiresAt = new Date(10_000);
    await steps.insert({
      tokenHash: 'h',
      accountId: 'a',
      orgId: null,
      purpose: 'mfa',
      amr: ['pwd'],
      expiresAt,
    });
    expect(await steps.find('h', 'enrolment', new Date(0))).toBeNull();
    expect(await steps.find('h', 'mfa', new Date(10_000))).toBeNull();
    expect(await steps.recordFailedAttempt('h')).toBe(1);
    expect(await steps.find('h', 'mfa', new Date(0))).toEqual({
      accountId: 'a',
      orgId: null,
      amr: ['pwd'],
      attempts: 1,
    });
    expect(await steps.consume('h')).toBe(true);
    expect(await steps.consume('h')).toBe(false);
  });
});
