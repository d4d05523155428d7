import { type ConnectionFinding, WORKLOADS } from '@ferry/providers/core';
import { checkGoogleConnection, type GoogleConnectionCheckInput } from './connection.check';
import { GOOGLE_DIRECTORY_USER_READONLY_SCOPE, googleDelegationScopesFor } from './google-scopes';
import { GoogleServiceAccountClient } from './service-account.client';
import { type GoogleSandbox, startGoogleSandbox } from './testing/google-sandbox.fixture';

jest.setTimeout(60_000);

const DWD =
  'Google Admin console > Security > Access and data control > API controls > Manage Domain Wide Delegation';
const FREEBUSY = 'https://www.googleapis.com/auth/calendar.freebusy';

const byCheck = (findings: readonly ConnectionFinding[]): Record<string, ConnectionFinding> =>
  Object.fromEntries(findings.map((f) => [f.check, f]));

describe('checkGoogleConnection against the sandbox', () => {
  let g: GoogleSandbox;
  let input: GoogleConnectionCheckInput;
  const allScopes = (): readonly string[] => googleDelegationScopesFor(WORKLOADS);

  beforeAll(async () => {
    g = await startGoogleSandbox();
    input = g.connectionInput();
  });
  afterAll(() => g.close());
  beforeEach(() => g.setDelegation(allScopes()));

  it('passes when every scope of every workload is delegated and the admin can read the directory', async () => {
    const report = await checkGoogleConnection(input);
    expect(report.findings.map((f) => [f.check, f.status])).toEqual([
      ['credentials', 'ok'],
      ...allScopes().map((s) => [`scope:${s}`, 'ok']),
      ['directory', 'ok'],
    ]);
    expect(report.ok).toBe(true);
  });

  it('checks only the scopes of the enabled workloads (plus the directory read scope)', async () => {
    await g.setDelegation([GOOGLE_DIRECTORY_USER_READONLY_SCOPE, FREEBUSY]);
    const report = await checkGoogleConnection({ ...input, workloads: ['freebusy'] });
    expect(report.findings.map((f) => f.check)).toEqual([
      'credentials',
      `scope:${GOOGLE_DIRECTORY_USER_READONLY_SCOPE}`,
      `scope:${FREEBUSY}`,
      'directory',
    ]);
    expect(report.ok).toBe(true);
  });

  it('names a scope taken out of domain-wide delegation as missing, with the console path, client id and scope', async () => {
    await g.setDelegation(allScopes().filter((s) => s !== FREEBUSY));
    const report = await checkGoogleConnection(input);
    const findings = byCheck(report.findings);
    expect(report.ok).toBe(false);
    expect(findings[`scope:${FREEBUSY}`]).toEqual({
      check: `scope:${FREEBUSY}`,
      status: 'missing',
      detail: 'not delegated to the service account',
      remedy: `${DWD}: edit client ID ${g.key.clientId} and add ${FREEBUSY}`,
    });
    expect(report.findings.filter((f) => f.status !== 'ok').map((f) => f.check)).toEqual([
      `scope:${FREEBUSY}`,
    ]);
  });

  it('keeps the key ok but reports the directory scope and the directory missing when that scope is not delegated', async () => {
    await g.setDelegation(allScopes().filter((s) => s !== GOOGLE_DIRECTORY_USER_READONLY_SCOPE));
    const findings = byCheck((await checkGoogleConnection(input)).findings);
    expect(findings['credentials']?.status).toBe('ok');
    expect(findings[`scope:${GOOGLE_DIRECTORY_USER_READONLY_SCOPE}`]?.status).toBe('missing');
    expect(findings['directory']).toMatchObject({
      status: 'missing',
      remedy: `${DWD}: edit client ID ${g.key.clientId} and add ${GOOGLE_DIRECTORY_USER_READONLY_SCOPE}`,
    });
  });

  it('reports an admin user without an admin role as directory missing (403), with the admin-role remedy', async () => {
    const report = await checkGoogleConnection({ ...input, adminUser: g.users[0]?.email ?? '' });
    const findings = byCheck(report.findings);
    expect(findings['credentials']?.status).toBe('ok');
    expect(findings['directory']).toMatchObject({
      status: 'missing',
      detail: expect.stringContaining('403') as string,
      remedy: expect.stringContaining('Admin console > Account > Admin roles') as string,
    });
    expect(report.ok).toBe(false);
  });

  it('reports another customer id as a directory finding, not as a passing test', async () => {
    const report = await checkGoogleConnection({ ...input, customerId: 'C0ffffff1' });
    expect(byCheck(report.findings)['directory']?.status).toBe('missing');
    expect(report.ok).toBe(false);
  });

  it('stops after a failed credentials finding when the key was deleted', async () => {
    const report = await checkGoogleConnection({
      ...input,
      serviceAccount: new GoogleServiceAccountClient({ key: g.deletedKey(), fetch: g.fetch }),
    });
    expect(report).toEqual({
      ok: false,
      findings: [
        {
          check: 'credentials',
          status: 'failed',
          detail: expect.stringContaining('key was refused') as string,
          remedy: expect.stringContaining('create a new JSON key') as string,
        },
      ],
    });
  });

  it('fails credentials with an actionable remedy when the admin user does not exist', async () => {
    const report = await checkGoogleConnection({ ...input, adminUser: 'former-admin@fabrikam.example' });
    expect(report.findings).toEqual([
      expect.objectContaining({
        check: 'credentials',
        status: 'failed',
        remedy: expect.stringContaining('admin user') as string,
      }),
    ]);
  });

  it('fails credentials as refused by the destination policy, and nothing is sent, without the allow-list', async () => {
    const before = (await g.requestsFor('google.oauth.token')) + (await g.requestsFor('admin.users.list'));
    const report = await checkGoogleConnection({
      ...input,
      serviceAccount: new GoogleServiceAccountClient({ key: g.key, fetch: g.refusingFetch }),
      fetch: g.refusingFetch,
    });
    expect(report.findings).toEqual([
      expect.objectContaining({
        check: 'credentials',
        status: 'failed',
        detail: expect.stringContaining('refused') as string,
      }),
    ]);
    expect((await g.requestsFor('google.oauth.token')) + (await g.requestsFor('admin.users.list'))).toBe(
      before,
    );
  });

  it('reports the directory call refused by the destination policy as failed, without calling the API', async () => {
    const before = await g.requestsFor('admin.users.list');
    const findings = byCheck((await checkGoogleConnection({ ...input, fetch: g.refusingFetch })).findings);
    expect(findings['credentials']?.status).toBe('ok');
    expect(findings['directory']).toMatchObject({
      status: 'failed',
      detail: expect.stringContaining('refused') as string,
    });
    expect(await g.requestsFor('admin.users.list')).toBe(before);
  });

  it('refuses malformed settings before any request', async () => {
    await expect(checkGoogleConnection({ ...input, customerId: 'customer 1' })).rejects.toMatchObject({
      code: 'invalid-input',
    });
    await expect(checkGoogleConnection({ ...input, adminUser: 'admin' })).rejects.toMatchObject({
      code: 'invalid-input',
    });
    await expect(
      checkGoogleConnection({ ...input, workloads: ['mail', 'fax' as never] }),
    ).rejects.toMatchObject({ code: 'invalid-input' });
  });
});
