import { randomBytes } from 'node:crypto';
import type { AuditEvent } from '@ferry/contracts';
import { decodeJwt } from 'jose';
import { type Enrolled, signInAndEnrol } from './api-client.fixture';
import { type IdentityService, startIdentityService } from './identity-service.fixture';

// argon2id (19 MiB here) and several NATS round trips per step, on a shared 2-core machine.
jest.setTimeout(120_000);

const API = '/api/v1';
const password = () => `pw-${randomBytes(12).toString('base64url')}`;
const ADMIN = { loginName: 'root-admin', password: password() };

describe("a session's log: its sign-in, every API call it made, its refresh and its sign-out", () => {
  let svc: IdentityService;
  let platformAdmin: Enrolled;

  beforeAll(async () => {
    svc = await startIdentityService({ label: 'svc-session-log', bootstrapAdmin: ADMIN });
    platformAdmin = await signInAndEnrol(svc.client, ADMIN.loginName, ADMIN.password);
  });
  afterAll(async () => {
    await svc?.close();
  });

  /** The audit events of `sessionId`, read until `until` holds for them or 20 s pass. */
  async function logOf(sessionId: string, until: (events: AuditEvent[]) => boolean): Promise<AuditEvent[]> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const events = (await svc.auditEvents()).filter((e) => e.sessionId === sessionId);
      if (until(events) || Date.now() > deadline) return events;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  const actions = (events: AuditEvent[]) => events.map((e) => (e.action === 'api.call' ? `api.call ${e.target?.id}` : e.action)).sort();

  it('is the records carrying the session id of its access tokens, from its first step to its sign-out', async () => {
    const adminLogin = `admin-${randomBytes(4).toString('hex')}`;
    const adminPassword = password();
    const org = await svc.client.post(`${API}/orgs`, { name: 'Session Log Org', admin: { loginName: adminLogin, displayName: 'Admin', password: adminPassword } }, platformAdmin.accessToken);
    expect(org.status).toBe(201);
    const orgId = org.body['id'] as string;
    const adminId = (org.body['admin'] as { id: string }).id;

    const session = await signInAndEnrol(svc.client, adminLogin, adminPassword);
    expect(decodeJwt(session.accessToken)['sid']).toBe(session.sessionId);
    expect((await svc.client.get(`${API}/orgs/${orgId}/accounts?planted=${session.refreshToken}`, session.accessToken)).status).toBe(200);
    const refreshed = await svc.client.post(`${API}/auth/refresh`, { refreshToken: session.refreshToken });
    expect(refreshed.status).toBe(200);
    const accessToken = refreshed.body['accessToken'] as string;
    const member = { loginName: `member-${randomBytes(4).toString('hex')}`, displayName: 'Member', password: password(), roles: ['viewer'] };
    expect((await svc.client.post(`${API}/orgs/${orgId}/accounts`, member, accessToken)).status).toBe(201);
    expect((await svc.client.call('POST', `${API}/auth/signout`, { token: accessToken })).status).toBe(204);

    const expected = [
      'auth.mfa.enrolled',
      'auth.signin.succeeded',
      'api.call GET /api/v1/orgs/:org/accounts',
      'auth.session.refreshed',
      'api.call POST /api/v1/orgs/:org/accounts',
      'account.created',
      'role.granted',
      'auth.signout',
    ].sort();
    const log = await logOf(session.sessionId, (events) => actions(events).length >= expected.length);
    expect(actions(log)).toEqual(expected);
    for (const e of log) {
      expect(e.orgId).toBe(orgId);
      expect(e.actor?.id).toBe(adminId);
    }
    const calls = log.filter((e) => e.action === 'api.call');
    expect(calls.map((e) => [e.detail['method'], e.detail['status']])).toEqual(
      expect.arrayContaining([
        ['GET', '200'],
        ['POST', '201'],
      ]),
    );
    for (const e of calls) expect(e.detail['duration_ms']).toMatch(/^\d+$/);
    const text = JSON.stringify(log.map((e) => ({ ...e, occurredAt: undefined })));
    for (const secret of [session.refreshToken, session.accessToken.split('.')[2], accessToken.split('.')[2], adminPassword, member.password]) {
      expect(text).not.toContain(secret);
    }
  });

  it("ends with the record of the admin who ended it, while the admin's action is in the admin's own log", async () => {
    const adminLogin = `admin-${randomBytes(4).toString('hex')}`;
    const adminPassword = password();
    const org = await svc.client.post(`${API}/orgs`, { name: 'Forced Sign-out Org', admin: { loginName: adminLogin, displayName: 'Admin', password: adminPassword } }, platformAdmin.accessToken);
    const orgId = org.body['id'] as string;
    const admin = await signInAndEnrol(svc.client, adminLogin, adminPassword);
    const memberLogin = `member-${randomBytes(4).toString('hex')}`;
    const memberPassword = password();
    const created = await svc.client.post(`${API}/orgs/${orgId}/accounts`, { loginName: memberLogin, displayName: 'Member', password: memberPassword, roles: ['auditor'] }, admin.accessToken);
    const memberSession = await signInAndEnrol(svc.client, memberLogin, memberPassword);

    const forced = await svc.client.call('DELETE', `${API}/orgs/${orgId}/accounts/${created.body['id'] as string}/sessions`, { token: admin.accessToken });
    expect(forced.status).toBe(200);

    const memberLog = await logOf(memberSession.sessionId, (events) => events.some((e) => e.action === 'auth.session.ended'));
    expect(memberLog.find((e) => e.action === 'auth.session.ended')).toMatchObject({
      actor: { id: decodeJwt(admin.accessToken).sub },
      target: { type: 'session', id: memberSession.sessionId },
      detail: { reason: 'admin-revoked' },
    });
    const adminLog = await logOf(admin.sessionId, (events) => events.some((e) => e.target?.id === 'DELETE /api/v1/orgs/:org/accounts/:account/sessions'));
    expect(actions(adminLog)).toEqual(expect.arrayContaining(['auth.session.revoked', 'api.call DELETE /api/v1/orgs/:org/accounts/:account/sessions']));
  });
});
