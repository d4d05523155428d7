import { randomBytes } from 'node:crypto';
import { type Enrolled, enrolledViewer, orgWithAdmin, signInAndEnrol } from './api-client.fixture';
import { type IdentityService, startIdentityService } from './identity-service.fixture';

// argon2id (19 MiB here) and several NATS round trips per step, on a shared 2-core machine.
jest.setTimeout(120_000);

const API = '/api/v1';
const password = () => `pw-${randomBytes(12).toString('base64url')}`;
const ADMIN = { loginName: 'root-admin', password: password() };
const SESSION_ENDED = [
  503,
  'the audit trail is unavailable; the session was ended, but its audit record could not be stored',
];
const SESSIONS_ENDED = [
  503,
  "the audit trail is unavailable; the account's sessions were ended, but their audit records could not all be stored",
];
const REFUSED = [503, 'the audit trail is unavailable; the change was not applied'];

describe('identity while the audit stream takes no event: access it ends stays ended, and the answer says so', () => {
  let svc: IdentityService;
  let orgId: string;
  let orgAdmin: Enrolled;

  beforeAll(async () => {
    svc = await startIdentityService({ label: 'svc-audit-ending', bootstrapAdmin: ADMIN });
    const platformAdmin = await signInAndEnrol(svc.client, ADMIN.loginName, ADMIN.password);
    ({ orgId, orgAdmin } = await orgWithAdmin(svc.client, platformAdmin.accessToken, 'Audit Ending Org'));
  });
  afterAll(async () => {
    await svc?.close();
  });

  const signedInMember = () => enrolledViewer(svc.client, orgId, orgAdmin.accessToken);
  const refresh = (refreshToken: string) => svc.client.post(`${API}/auth/refresh`, { refreshToken });
  /** The audit events about `sessionId` with `action`, once the stream takes events again. */
  const recorded = async (action: string, sessionId: string) =>
    (await svc.auditEvents()).filter((e) => e.action === action && e.sessionId === sessionId);

  it('signs a session out: 503 says the session was ended, and it is', async () => {
    const { session } = await signedInMember();
    const res = await svc.withAuditStreamFull(() =>
      svc.client.call('POST', `${API}/auth/signout`, { token: session.accessToken }),
    );
    expect([res.status, res.body['message']]).toEqual(SESSION_ENDED);
    expect((await refresh(session.refreshToken)).status).toBe(401);
    expect(await recorded('auth.signout', session.sessionId)).toEqual([]);
  });

  it("ends an account's sessions at an admin's request: 503 says they were ended, and they are", async () => {
    const { id, session } = await signedInMember();
    const res = await svc.withAuditStreamFull(() =>
      svc.client.call('DELETE', `${API}/orgs/${orgId}/accounts/${id}/sessions`, {
        token: orgAdmin.accessToken,
      }),
    );
    expect([res.status, res.body['message']]).toEqual(SESSIONS_ENDED);
    expect((await refresh(session.refreshToken)).status).toBe(401);
    expect(await recorded('auth.session.ended', session.sessionId)).toEqual([]);
  });

  it('ends the session of a reused refresh token: 503 says the session was ended, and it is', async () => {
    const { session } = await signedInMember();
    const rotated = await refresh(session.refreshToken);
    expect(rotated.status).toBe(200);
    const res = await svc.withAuditStreamFull(() => refresh(session.refreshToken));
    expect([res.status, res.body['message']]).toEqual(SESSION_ENDED);
    // The whole family is ended: the token handed out by the rotation no longer works either.
    expect((await refresh(rotated.body['refreshToken'] as string)).status).toBe(401);
  });

  it('still refuses a configuration change, saying it was not applied', async () => {
    const { id } = await signedInMember();
    const res = await svc.withAuditStreamFull(() =>
      svc.client.call('PUT', `${API}/orgs/${orgId}/accounts/${id}/roles/auditor`, {
        token: orgAdmin.accessToken,
      }),
    );
    expect([res.status, res.body['message']]).toEqual(REFUSED);
  });
});
