import { WORKLOADS } from '@ferry/providers/core';
import { checkMicrosoftConnection } from './connection-check';
import type { MicrosoftIdentityClient } from './identity-client';
import { testCertificate } from './testing/certificate.fixture';
import { type MicrosoftSandbox, startMicrosoftSandbox } from './testing/microsoft-sandbox.fixture';

// Sandbox start-up on a shared 2-core machine.
jest.setTimeout(60_000);

describe('checkMicrosoftConnection against the sandbox tenant', () => {
  let ms: MicrosoftSandbox;
  let seeded: string[];
  beforeAll(async () => {
    ms = await startMicrosoftSandbox();
    seeded = (await ms.identity().acquireAppToken()).granted.slice();
  });
  afterAll(() => ms.close());
  afterEach(() => ms.changeApp({ applicationPermissions: seeded }));

  const check = (
    identity: MicrosoftIdentityClient = ms.identity(),
    workloads = [...WORKLOADS],
    fetch = ms.fetch,
  ) => checkMicrosoftConnection({ identity, endpoints: ms.endpoints, fetch, workloads });

  it('passes with the seeded consent: credentials, every needed permission, and a real Graph read', async () => {
    const report = await check();
    expect(report.findings.map((f) => [f.check, f.status])).toEqual([
      ['credentials', 'ok'],
      ['permission:Mail.ReadWrite', 'ok'],
      ['permission:Calendars.ReadWrite', 'ok'],
      ['permission:Contacts.ReadWrite', 'ok'],
      ['permission:Files.ReadWrite.All', 'ok'],
      ['permission:User.Read.All', 'ok'],
      ['permission:Calendars.ReadBasic', 'ok'],
      ['graph', 'ok'],
    ]);
    expect(report.ok).toBe(true);
  });

  it('shows a permission removed in the admin center as missing, with where to grant it', async () => {
    await ms.changeApp({ applicationPermissions: seeded.filter((p) => p !== 'Contacts.ReadWrite') });
    const report = await check();
    expect(report.ok).toBe(false);
    const missing = report.findings.filter((f) => f.status !== 'ok');
    expect(missing).toEqual([
      {
        check: 'permission:Contacts.ReadWrite',
        status: 'missing',
        detail: 'the application permission Contacts.ReadWrite is not granted (needed for contacts)',
        remedy: `Entra admin center > App registrations > (the app with Application (client) ID ${ms.clientId}) > API permissions > Add a permission > Microsoft Graph > Application permissions > Contacts.ReadWrite, then Grant admin consent`,
      },
    ]);
  });

  it('checks only what the enabled workloads need, and counts Graph answering 403 on users as reachable when no directory permission is needed', async () => {
    await ms.changeApp({ applicationPermissions: ['Mail.ReadWrite'] });
    const report = await check(ms.identity(), ['mail']);
    expect(report.findings.map((f) => [f.check, f.status])).toEqual([
      ['credentials', 'ok'],
      ['permission:Mail.ReadWrite', 'ok'],
      ['graph', 'ok'],
    ]);
    expect(report.findings[2]?.detail).toMatch(/needs User\.Read\.All, which is not granted/);
  });

  it('stops at a failed credentials finding when the secret is rejected, saying where to create a new one', async () => {
    const report = await check(
      ms.identity({ credential: { kind: 'client-secret', secret: 'sbx~rejected-secret' } }),
    );
    expect(report).toEqual({
      ok: false,
      findings: [
        {
          check: 'credentials',
          status: 'failed',
          detail: 'Entra ID rejected the client secret (AADSTS7000215)',
          remedy: `the client secret was rejected: create a new secret under Entra admin center > App registrations > (the app with Application (client) ID ${ms.clientId}) > Certificates & secrets and update the connector`,
        },
      ],
    });
  });

  it('names the certificate to upload when the app does not know it', async () => {
    const cert = await testCertificate();
    const identity = ms.identity({ credential: { kind: 'certificate', ...cert } });
    const report = await check(identity);
    expect(report.findings).toEqual([
      expect.objectContaining({
        check: 'credentials',
        status: 'failed',
        detail: expect.stringContaining('AADSTS700027') as unknown,
        remedy: expect.stringContaining(
          `SHA-1 thumbprint ${identity.certificateThumbprint ?? '?'}`,
        ) as unknown,
      }),
    ]);
  });

  it('names the tenant check for an unknown tenant, and the network for a refused destination', async () => {
    const unknown = await check(ms.identity({ tenantId: '00000000-0000-4000-8000-000000000000' }));
    expect(unknown.findings).toEqual([
      expect.objectContaining({
        check: 'credentials',
        status: 'failed',
        remedy: expect.stringContaining('Tenant ID') as unknown,
      }),
    ]);
    const refused = await check(ms.identity({ fetch: ms.refusingFetch }));
    expect(refused.findings).toEqual([
      expect.objectContaining({
        check: 'credentials',
        status: 'failed',
        remedy: expect.stringContaining('outbound destination policy') as unknown,
      }),
    ]);
  });

  it('fails the graph finding when only Graph is refused by the SSRF guard', async () => {
    const report = await check(ms.identity(), ['mail'], ms.refusingFetch);
    expect(report.findings.at(-1)).toMatchObject({
      check: 'graph',
      status: 'failed',
      remedy: expect.stringContaining('outbound destination policy') as unknown,
    });
  });
});
