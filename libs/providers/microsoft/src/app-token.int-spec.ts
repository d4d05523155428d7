import { randomUUID } from 'node:crypto';
import { decodeJwt } from 'jose';
import { testCertificate } from './testing/certificate.fixture';
import { providerFailure } from './testing/provider-failure';
import { type MicrosoftSandbox, startMicrosoftSandbox } from './testing/microsoft-sandbox.fixture';

// Sandbox start-up and RSA key generation on a shared 2-core machine.
jest.setTimeout(60_000);

describe('MicrosoftIdentityClient app-only tokens against the sandbox Entra ID', () => {
  let ms: MicrosoftSandbox;
  beforeAll(async () => {
    ms = await startMicrosoftSandbox();
  });
  afterAll(() => ms.close());

  it('issues a token for the client secret, with the roles claim as granted and about an hour of validity', async () => {
    const token = await ms.identity().acquireAppToken();
    expect(decodeJwt(token.accessToken)).toMatchObject({ tid: ms.tenantId, appid: ms.clientId });
    expect(token.granted).toEqual(
      expect.arrayContaining(['Mail.ReadWrite', 'User.Read.All', 'Calendars.ReadWrite']),
    );
    expect(token.expiresAt.getTime()).toBeGreaterThan(Date.now() + 50 * 60_000);
  });

  it("asks Entra every time: MSAL's cache never answers, so roles changed by an admin show at once", async () => {
    const identity = ms.identity();
    const before = await ms.requestsFor('entra.token');
    const first = await identity.acquireAppToken();
    await ms.changeApp({ applicationPermissions: ['User.Read.All'] });
    try {
      const second = await identity.acquireAppToken();
      expect(await ms.requestsFor('entra.token')).toBe(before + 2);
      expect(second.accessToken).not.toBe(first.accessToken);
      expect(second.granted).toEqual(['User.Read.All']);
    } finally {
      await ms.changeApp({ applicationPermissions: first.granted });
    }
  });

  it('issues a token for a certificate registered on the app (client assertion signed with the private key)', async () => {
    const cert = await testCertificate();
    await ms.registerCertificate(cert.certificatePem);
    const identity = ms.identity({ credential: { kind: 'certificate', ...cert } });
    const token = await identity.acquireAppToken();
    expect(decodeJwt(token.accessToken)).toMatchObject({ tid: ms.tenantId, appid: ms.clientId });
    expect(identity.certificateThumbprint).toMatch(/^[0-9A-F]{40}$/);
  });

  it.each([
    [
      'a wrong client secret',
      'invalid-credentials',
      'AADSTS7000215',
      () => ms.identity({ credential: { kind: 'client-secret', secret: 'sbx~not-the-secret' } }),
    ],
    ['an unknown tenant', 'unknown-tenant', 'AADSTS90002', () => ms.identity({ tenantId: randomUUID() })],
    [
      'an app the tenant does not know',
      'unknown-client',
      'AADSTS700016',
      () => ms.identity({ clientId: randomUUID() }),
    ],
    [
      'the app in a tenant that never consented',
      'unknown-client',
      'AADSTS700016',
      () => ms.identity({ tenantId: ms.otherTenantId }),
    ],
  ])('maps %s to %s (%s)', async (_what, code, providerCode, client) => {
    const error = await providerFailure(client().acquireAppToken());
    expect(error).toMatchObject({ code, details: { providerCode } });
  });

  it('maps a certificate the app does not know to invalid-credentials (AADSTS700027)', async () => {
    const cert = await testCertificate();
    const error = await providerFailure(
      ms.identity({ credential: { kind: 'certificate', ...cert } }).acquireAppToken(),
    );
    expect(error).toMatchObject({ code: 'invalid-credentials', details: { providerCode: 'AADSTS700027' } });
  });

  it('refuses an expired certificate before asking Entra', async () => {
    const cert = await testCertificate({
      notBefore: new Date(Date.now() - 86_400_000),
      notAfter: new Date(Date.now() + 2_000),
    });
    await ms.registerCertificate(cert.certificatePem);
    const identity = ms.identity({ credential: { kind: 'certificate', ...cert } });
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    const before = await ms.requestsFor('entra.token');
    expect(await providerFailure(identity.acquireAppToken())).toMatchObject({
      code: 'invalid-credentials',
      message: expect.stringMatching(/^the certificate expired on /) as unknown,
    });
    expect(await ms.requestsFor('entra.token')).toBe(before);
  });

  it('reports a 503 with Retry-After as a retryable provider error, and MSAL does not hold it against the next request', async () => {
    await fetch(`${ms.sandbox.endpoints.inspect}/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        operation: 'entra.token',
        effect: { kind: 'status', status: 503, retryAfterS: 7 },
        times: 1,
      }),
    });
    const identity = ms.identity();
    expect(await providerFailure(identity.acquireAppToken())).toMatchObject({
      code: 'provider-error',
      retryable: true,
      details: { status: 503, retryAfterSeconds: 7 },
    });
    await expect(identity.acquireAppToken()).resolves.toMatchObject({
      accessToken: expect.any(String) as unknown,
    });
  });

  it('refuses the sandbox without the operator allow-list (SSRF guard), before any request', async () => {
    const before = await ms.requestsFor('entra.token');
    expect(await providerFailure(ms.identity({ fetch: ms.refusingFetch }).acquireAppToken())).toMatchObject({
      code: 'destination-refused',
    });
    expect(await ms.requestsFor('entra.token')).toBe(before);
  });

  it('reports a closed port as unreachable', async () => {
    const error = await providerFailure(
      ms
        .identity({
          endpoints: { authorityHost: 'https://127.0.0.1:1', graphOrigin: ms.endpoints.graphOrigin },
        })
        .acquireAppToken(),
    );
    expect(error).toMatchObject({ code: 'unreachable', retryable: true });
  });
});
