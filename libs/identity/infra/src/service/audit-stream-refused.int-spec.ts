import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import {
  type ApiResponse,
  type Enrolled,
  enrolledViewer,
  orgWithAdmin,
  signInAndEnrol,
} from './api-client.fixture';
import { type IdentityService, startIdentityService } from './identity-service.fixture';
import { type CommittedChanges, probeCommittedChanges } from '../testing/committed-changes';

// argon2id (19 MiB here) and several NATS round trips per step, on a shared 2-core machine.
jest.setTimeout(120_000);

const API = '/api/v1';
const password = () => `pw-${randomBytes(12).toString('base64url')}`;
const ADMIN = { loginName: 'root-admin', password: password() };
const REFUSED = [503, 'the audit trail is unavailable; the change was not applied'];
/** The tables a configuration change writes. */
const CHANGED_TABLES = [
  'organisations',
  'accounts',
  'account_roles',
  'recovery_codes',
  'sessions',
  'refresh_tokens',
];

describe('identity while the audit stream takes no event: configuration changes are refused and change nothing', () => {
  let svc: IdentityService;
  let probe: CommittedChanges;
  let orgId: string;
  let orgAdmin: Enrolled;

  beforeAll(async () => {
    svc = await startIdentityService({ label: 'svc-audit-refused', bootstrapAdmin: ADMIN });
    const platformAdmin = await signInAndEnrol(svc.client, ADMIN.loginName, ADMIN.password);
    ({ orgId, orgAdmin } = await orgWithAdmin(svc.client, platformAdmin.accessToken, 'Audit Refusal Org'));
    probe = await probeCommittedChanges(svc.app.get(DataSource), CHANGED_TABLES);
  });
  afterAll(async () => {
    await svc?.close();
  });

  /** A new viewer with TOTP, recovery codes and a live session: what a reset or a role change would touch. */
  async function enrolledMember(): Promise<string> {
    return (await enrolledViewer(svc.client, orgId, orgAdmin.accessToken)).id;
  }

  /** Every identity row, each table's rows in a stable order. */
  async function rows(): Promise<Record<string, string[]>> {
    const out: Record<string, string[]> = {};
    for (const [table, tableRows] of await svc.identityTables())
      out[table] = tableRows.map((r) => JSON.stringify(r)).sort();
    return out;
  }

  /** Sends the change with the stream full: it must answer 503, leave every row as it was and commit nothing, not even for a moment. */
  async function expectRefused(send: () => Promise<ApiResponse>): Promise<void> {
    const before = await rows();
    await probe.clear();
    const res = await svc.withAuditStreamFull(send);
    expect(await rows()).toEqual(before);
    expect(await probe.list()).toEqual([]);
    expect([res.status, res.body['message']]).toEqual(REFUSED);
  }

  const account = (id: string) => `${API}/orgs/${orgId}/accounts/${id}`;
  const resetMfa = (id: string) => () =>
    svc.client.call('DELETE', `${account(id)}/mfa`, { token: orgAdmin.accessToken });
  const grantAuditor = (id: string) => () =>
    svc.client.call('PUT', `${account(id)}/roles/auditor`, { token: orgAdmin.accessToken });
  const createAccount = () =>
    svc.client.post(
      `${API}/orgs/${orgId}/accounts`,
      {
        loginName: `new-${randomBytes(4).toString('hex')}`,
        displayName: 'New',
        password: password(),
        roles: ['auditor'],
      },
      orgAdmin.accessToken,
    );
  const changeSso = () =>
    svc.client.call('PUT', `${API}/orgs/${orgId}/sso`, {
      token: orgAdmin.accessToken,
      json: {
        entraTenantIds: ['3f2c9a14-8d1e-4b7a-9c55-0e6d2f8a1b73'],
        googleHostedDomains: [],
        allowedDomains: ['contoso.example'],
        groupRoles: [{ group: 'a1b2c3d4-0000-4000-8000-00000000abcd', role: 'viewer' }],
      },
    });

  it('refuses an MFA reset: the account keeps its TOTP secret, recovery codes and sessions', async () => {
    await expectRefused(resetMfa(await enrolledMember()));
  });

  it('refuses a role grant: the account keeps its roles and its sessions', async () => {
    await expectRefused(grantAuditor(await enrolledMember()));
  });

  it('refuses an account creation: no account is stored, not even for a moment', async () => {
    await expectRefused(createAccount);
  });

  it("refuses an SSO change: the organisation's settings are never replaced", async () => {
    await expectRefused(changeSso);
  });

  it('refuses a role revocation and a change of the organisation’s MFA setting alike', async () => {
    const memberId = await enrolledMember();
    await expectRefused(() =>
      svc.client.call('DELETE', `${account(memberId)}/roles/viewer`, { token: orgAdmin.accessToken }),
    );
    await expectRefused(() =>
      svc.client.call('PATCH', `${API}/orgs/${orgId}`, {
        token: orgAdmin.accessToken,
        json: { mfaRequired: false },
      }),
    );
  });

  it('applies and records the same changes once the stream takes events again', async () => {
    const memberId = await enrolledMember();
    expect((await changeSso()).status).toBe(200);
    expect((await createAccount()).status).toBe(201);
    expect((await grantAuditor(memberId)()).status).toBe(200);
    expect((await resetMfa(memberId)()).status).toBe(200);
    const actions = (await svc.auditEvents()).filter((e) => e.orgId === orgId).map((e) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining(['org.sso.updated', 'account.created', 'role.granted', 'auth.mfa.reset']),
    );
  });
});
