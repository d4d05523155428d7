import { randomBytes } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import * as OTPAuth from 'otpauth';
import {
  Authenticator,
  type Enrolled,
  type SignedIn,
  signInAndEnrol,
  signInWithTotp,
} from './api-client.fixture';
import { type IdentityService, ISSUER, startIdentityService } from './identity-service.fixture';

// argon2id (19 MiB here) and several NATS round trips per step, on a shared 2-core machine.
jest.setTimeout(120_000);

const API = '/api/v1';
const password = () => `pw-${randomBytes(12).toString('base64url')}`;
const ADMIN = { loginName: 'root-admin', password: password() };

describe('password and TOTP sign-in through the gateway, end to end', () => {
  let svc: IdentityService;
  let platformAdmin: Enrolled;
  let orgId: string;
  let orgAdmin: { loginName: string; password: string; id: string; enrolled: Enrolled };

  beforeAll(async () => {
    svc = await startIdentityService({ label: 'svc-lifecycle', bootstrapAdmin: ADMIN });
  });
  afterAll(async () => {
    await svc?.close();
  });

  const post = (path: string, json: unknown, token?: string) => svc.client.post(`${API}${path}`, json, token);
  const actions = async () => (await svc.auditEvents()).map((e) => e.action);
  const refresh = (refreshToken: string) => post('/auth/refresh', { refreshToken });

  /** Creates an account in the org as its admin and completes its first sign-in. */
  const newMember = async (roles: string[]) => {
    const loginName = `member-${randomBytes(4).toString('hex')}`;
    const pw = password();
    const created = await post(
      `/orgs/${orgId}/accounts`,
      { loginName, displayName: 'Operator', password: pw, roles },
      orgAdmin.enrolled.accessToken,
    );
    expect(created.status).toBe(201);
    return {
      id: created.body['id'] as string,
      loginName,
      password: pw,
      session: await signInAndEnrol(svc.client, loginName, pw),
    };
  };

  it('makes the bootstrap platform admin enrol TOTP at first sign-in, then hands out a session and ten recovery codes', async () => {
    const first = await post('/auth/signin', ADMIN);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      status: 'enrolment-required',
      pendingToken: expect.any(String) as unknown,
    });
    const pendingToken = first.body['pendingToken'] as string;

    const enrolment = await post('/auth/mfa/enrolment', { pendingToken });
    expect(enrolment.status).toBe(200);
    const uri = OTPAuth.URI.parse(enrolment.body['otpauthUri'] as string);
    expect(uri).toBeInstanceOf(OTPAuth.TOTP);
    expect({
      issuer: uri.issuer,
      algorithm: uri.algorithm,
      digits: uri.digits,
      period: (uri as OTPAuth.TOTP).period,
    }).toEqual({ issuer: 'Ferry', algorithm: 'SHA1', digits: 6, period: 30 });
    expect(uri.secret.bytes.length).toBeGreaterThanOrEqual(20);
    expect(enrolment.body['qrSvg']).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);

    const authenticator = Authenticator.fromUri(enrolment.body['otpauthUri'] as string);
    const wrong = await post('/auth/mfa/enrolment/verify', {
      pendingToken,
      code: authenticator.codeAt(Math.floor(Date.now() / 30_000) + 20),
    });
    expect(wrong.status).toBe(401);

    const { code } = await authenticator.next();
    const verified = await post('/auth/mfa/enrolment/verify', { pendingToken, code });
    expect(verified.status).toBe(200);
    expect(verified.body).toMatchObject({
      status: 'signed-in',
      tokenType: 'Bearer',
      accessToken: expect.any(String) as unknown,
      refreshToken: expect.any(String) as unknown,
    });
    const codes = verified.body['recoveryCodes'] as string[];
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const c of codes) expect(c).toMatch(/^[0-9A-Za-z]{5}-[0-9A-Za-z]{5}$/);

    const token = verified.body['accessToken'] as string;
    expect(decodeProtectedHeader(token)).toMatchObject({
      alg: 'ES256',
      typ: 'at+jwt',
      kid: expect.any(String) as unknown,
    });
    const claims = decodeJwt(token);
    expect(claims).toMatchObject({
      iss: ISSUER,
      aud: 'ferry-api',
      roles: ['platform-admin'],
      amr: ['pwd', 'otp'],
      sid: verified.body['sessionId'],
    });
    expect(claims['org']).toBeUndefined();
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(300);

    // The pending step is spent: the same token cannot enrol or verify again.
    expect((await post('/auth/mfa/enrolment/verify', { pendingToken, code })).status).toBe(401);
    expect(await actions()).toEqual(
      expect.arrayContaining(['account.created', 'auth.mfa.enrolled', 'auth.signin.succeeded']),
    );

    platformAdmin = {
      accessToken: token,
      refreshToken: verified.body['refreshToken'] as string,
      sessionId: verified.body['sessionId'] as string,
      authenticator,
      otpauthUri: enrolment.body['otpauthUri'] as string,
      recoveryCodes: codes,
      pendingToken,
    };
  });

  it('lets the platform admin create an organisation with its first org-admin, who enrols at first sign-in', async () => {
    const loginName = 'contoso-admin';
    const pw = password();
    const created = await post(
      '/orgs',
      { name: 'Contoso', admin: { loginName, displayName: 'IT Admin', password: pw } },
      platformAdmin.accessToken,
    );
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'Contoso',
      mfaRequired: true,
      admin: {
        loginName,
        displayName: 'IT Admin',
        roles: ['org-admin'],
        mfaEnrolled: false,
        email: null,
        realName: null,
      },
    });
    orgId = created.body['id'] as string;
    const enrolled = await signInAndEnrol(svc.client, loginName, pw);
    orgAdmin = { loginName, password: pw, id: (created.body['admin'] as { id: string }).id, enrolled };
    expect(decodeJwt(enrolled.accessToken)).toMatchObject({
      org: orgId,
      roles: ['org-admin'],
      amr: ['pwd', 'otp'],
    });

    // platform-admin belongs to no organisation and holds no organisation permission: it sees no customer data.
    const listed = await svc.client.get(`${API}/orgs/${orgId}/accounts`, platformAdmin.accessToken);
    expect(listed.status).toBe(404);
    expect(listed.text).not.toContain(loginName);
    const events = await svc.auditEvents();
    expect(events.map((e) => e.action)).toEqual(expect.arrayContaining(['org.created']));
    expect(events.filter((e) => e.action === 'authz.cross_org.denied').map((e) => e.actor?.id)).toEqual([
      decodeJwt(platformAdmin.accessToken).sub,
    ]);
  });

  it('answers a later sign-in with a TOTP code, and refuses the same code in the same time step with 401, audited as a replay', async () => {
    const first = await post('/auth/signin', { loginName: orgAdmin.loginName, password: orgAdmin.password });
    expect(first.body['status']).toBe('mfa-required');
    const { code } = await orgAdmin.enrolled.authenticator.next();
    const done = await post('/auth/mfa', { pendingToken: first.body['pendingToken'], code });
    expect(done.status).toBe(200);
    expect(decodeJwt(done.body['accessToken'] as string)['amr']).toEqual(['pwd', 'otp']);

    const again = await post('/auth/signin', { loginName: orgAdmin.loginName, password: orgAdmin.password });
    const replayed = await post('/auth/mfa', { pendingToken: again.body['pendingToken'], code });
    expect(replayed.status).toBe(401);
    expect(replayed.text).not.toContain(code);
    const refusals = (await svc.auditEvents()).filter((e) => e.action === 'auth.mfa.challenge.failed');
    expect(refusals.map((e) => e.detail['reason'])).toContain('totp-replayed');
    expect(refusals.find((e) => e.detail['reason'] === 'totp-replayed')).toMatchObject({
      orgId,
      target: { type: 'account', id: orgAdmin.id },
      sourceAddress: '127.0.0.1',
    });
  });

  it('accepts a recovery code once', async () => {
    const recoveryCode = orgAdmin.enrolled.recoveryCodes[0] ?? '';
    const first = await post('/auth/signin', { loginName: orgAdmin.loginName, password: orgAdmin.password });
    const used = await post('/auth/mfa', { pendingToken: first.body['pendingToken'], recoveryCode });
    expect(used.status).toBe(200);
    expect(decodeJwt(used.body['accessToken'] as string)['amr']).toEqual(['pwd', 'rec']);

    const second = await post('/auth/signin', { loginName: orgAdmin.loginName, password: orgAdmin.password });
    expect(
      (await post('/auth/mfa', { pendingToken: second.body['pendingToken'], recoveryCode })).status,
    ).toBe(401);
    const used9 = (await svc.auditEvents()).filter((e) => e.action === 'auth.recovery_code.used');
    expect(used9.map((e) => e.detail['remaining'])).toEqual(['9']);
  });

  it('rotates the refresh token; a spent one revokes the session, so the newer one is refused too', async () => {
    const { session } = await newMember(['viewer']);
    const rotated = await refresh(session.refreshToken);
    expect(rotated.status).toBe(200);
    expect(rotated.body['refreshToken']).not.toBe(session.refreshToken);
    expect(rotated.body['sessionId']).toBe(session.sessionId);
    expect(decodeJwt(rotated.body['accessToken'] as string)['sid']).toBe(session.sessionId);

    expect((await refresh(session.refreshToken)).status).toBe(401);
    expect((await refresh(rotated.body['refreshToken'] as string)).status).toBe(401);
    const reused = (await svc.auditEvents()).filter((e) => e.action === 'auth.refresh.reused');
    expect(reused).toHaveLength(1);
    expect(reused[0]).toMatchObject({ orgId, target: { type: 'session', id: session.sessionId } });
  });

  it("signs out: 204, and the session's refresh token stops working", async () => {
    const { session } = await newMember(['viewer']);
    const out = await svc.client.call('POST', `${API}/auth/signout`, { token: session.accessToken });
    expect(out.status).toBe(204);
    expect((await refresh(session.refreshToken)).status).toBe(401);
    expect((await svc.client.call('POST', `${API}/auth/signout`, { token: 'not-a-token' })).status).toBe(401);
    expect(await actions()).toContain('auth.signout');
  });

  it("grants and revokes roles, each audited, and a role change ends the account's sessions", async () => {
    const member = await newMember(['viewer']);
    const admin = orgAdmin.enrolled.accessToken;
    const granted = await svc.client.call(
      'PUT',
      `${API}/orgs/${orgId}/accounts/${member.id}/roles/migration-operator`,
      { token: admin },
    );
    expect(granted.status).toBe(200);
    expect(granted.body['roles']).toEqual(['migration-operator', 'viewer']);
    expect((await refresh(member.session.refreshToken)).status).toBe(401);

    const revoked = await svc.client.call(
      'DELETE',
      `${API}/orgs/${orgId}/accounts/${member.id}/roles/viewer`,
      { token: admin },
    );
    expect(revoked.status).toBe(200);
    expect(revoked.body['roles']).toEqual(['migration-operator']);
    expect(
      (
        await svc.client.call('PUT', `${API}/orgs/${orgId}/accounts/${member.id}/roles/platform-admin`, {
          token: admin,
        })
      ).status,
    ).toBe(400);

    const changes = (await svc.auditEvents()).filter(
      (e) => (e.action === 'role.granted' || e.action === 'role.revoked') && e.target?.id === member.id,
    );
    expect(changes.map((e) => [e.action, e.detail['role']])).toEqual(
      expect.arrayContaining([
        ['role.granted', 'migration-operator'],
        ['role.revoked', 'viewer'],
      ]),
    );
    const session = await signInWithTotp(
      svc.client,
      member.loginName,
      member.password,
      member.session.authenticator,
    );
    expect(decodeJwt(session.accessToken)['roles']).toEqual(['migration-operator']);
  });

  it('ends every session of an account when its admin forces a sign-out', async () => {
    const member = await newMember(['auditor']);
    const second: SignedIn = await signInWithTotp(
      svc.client,
      member.loginName,
      member.password,
      member.session.authenticator,
    );
    const forced = await svc.client.call('DELETE', `${API}/orgs/${orgId}/accounts/${member.id}/sessions`, {
      token: orgAdmin.enrolled.accessToken,
    });
    expect(forced.status).toBe(200);
    expect(forced.body).toEqual({ sessionsRevoked: 2 });
    expect((await refresh(member.session.refreshToken)).status).toBe(401);
    expect((await refresh(second.refreshToken)).status).toBe(401);
    const revoked = (await svc.auditEvents()).filter((e) => e.action === 'auth.session.revoked');
    expect(revoked.at(-1)).toMatchObject({
      orgId,
      actor: { id: orgAdmin.id },
      target: { type: 'account', id: member.id },
      detail: { sessions: '2' },
    });
  });

  it("resets an account's MFA: its sessions end, its recovery codes die, and it enrols again at the next sign-in", async () => {
    const member = await newMember(['viewer']);
    const reset = await svc.client.call('DELETE', `${API}/orgs/${orgId}/accounts/${member.id}/mfa`, {
      token: orgAdmin.enrolled.accessToken,
    });
    expect(reset.status).toBe(200);
    expect(reset.body).toEqual({ sessionsRevoked: 1 });
    expect((await refresh(member.session.refreshToken)).status).toBe(401);

    const next = await post('/auth/signin', { loginName: member.loginName, password: member.password });
    expect(next.body['status']).toBe('enrolment-required');
    // A recovery code of the old enrolment does not answer anything: the step is an enrolment.
    expect(
      (
        await post('/auth/mfa', {
          pendingToken: next.body['pendingToken'],
          recoveryCode: member.session.recoveryCodes[0],
        })
      ).status,
    ).toBe(401);
    const listed = await svc.client.get(`${API}/orgs/${orgId}/accounts`, orgAdmin.enrolled.accessToken);
    expect(
      (listed.body['items'] as { id: string; mfaEnrolled: boolean }[]).find((a) => a.id === member.id)
        ?.mfaEnrolled,
    ).toBe(false);
    expect((await svc.auditEvents()).filter((e) => e.action === 'auth.mfa.reset').at(-1)).toMatchObject({
      target: { id: member.id },
      detail: { sessions: '1' },
    });
    await signInAndEnrol(svc.client, member.loginName, member.password);
  });

  it('refuses a viewer who tries to create an account with 403, audited by the gateway', async () => {
    const viewer = await newMember(['viewer']);
    const res = await post(
      `/orgs/${orgId}/accounts`,
      { loginName: 'sneaky', displayName: 'Sneaky', password: password(), roles: ['org-admin'] },
      viewer.session.accessToken,
    );
    expect(res.status).toBe(403);
    expect((await svc.client.get(`${API}/orgs/${orgId}/accounts`, viewer.session.accessToken)).status).toBe(
      403,
    );
    const denied = (await svc.auditEvents()).filter((e) => e.action === 'authz.permission.denied');
    expect(denied.some((e) => e.actor?.id === viewer.id)).toBe(true);
    const listed = await svc.client.get(`${API}/orgs/${orgId}/accounts`, orgAdmin.enrolled.accessToken);
    expect((listed.body['items'] as { loginName: string }[]).map((a) => a.loginName)).not.toContain('sneaky');
  });

  it("answers 404 when the org-admin of organisation A reaches for organisation B's accounts", async () => {
    const otherAdmin = { loginName: 'fabrikam-admin', password: password() };
    const other = await post(
      '/orgs',
      { name: 'Fabrikam', admin: { ...otherAdmin, displayName: 'IT Admin' } },
      platformAdmin.accessToken,
    );
    expect(other.status).toBe(201);
    const orgB = other.body['id'] as string;
    const adminB = (other.body['admin'] as { id: string }).id;
    const tokenA = orgAdmin.enrolled.accessToken;

    expect((await svc.client.get(`${API}/orgs/${orgB}/accounts`, tokenA)).status).toBe(404);
    expect(
      (
        await post(
          `/orgs/${orgB}/accounts`,
          { loginName: 'planted', displayName: 'Planted', password: password(), roles: ['viewer'] },
          tokenA,
        )
      ).status,
    ).toBe(404);
    expect(
      (await svc.client.call('DELETE', `${API}/orgs/${orgB}/accounts/${adminB}/sessions`, { token: tokenA }))
        .status,
    ).toBe(404);
    // B's account under A's path: identity scopes the lookup by the token's organisation.
    expect(
      (await svc.client.call('DELETE', `${API}/orgs/${orgId}/accounts/${adminB}/mfa`, { token: tokenA }))
        .status,
    ).toBe(404);
    expect(
      (
        await svc.client.call('PUT', `${API}/orgs/${orgId}/accounts/${adminB}/roles/viewer`, {
          token: tokenA,
        })
      ).status,
    ).toBe(404);

    const crossOrg = (await svc.auditEvents()).filter((e) => e.action === 'authz.cross_org.denied');
    expect(crossOrg.filter((e) => e.actor?.id === orgAdmin.id).length).toBeGreaterThanOrEqual(3);
    const b = await signInAndEnrol(svc.client, otherAdmin.loginName, otherAdmin.password);
    const listed = await svc.client.get(`${API}/orgs/${orgB}/accounts`, b.accessToken);
    expect(
      (listed.body['items'] as { loginName: string; roles: string[] }[]).map((a) => [a.loginName, a.roles]),
    ).toEqual([[otherAdmin.loginName, ['org-admin']]]);
  });
});
