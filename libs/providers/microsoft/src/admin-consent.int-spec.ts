import { randomBytes } from 'node:crypto';
import { WORKLOADS } from '@ferry/providers/core';
import { signInAsBrowser } from '@ferry/sandbox';
import { adminConsentUrl, parseAdminConsentCallback } from './admin-consent';
import { checkMicrosoftConnection } from './connection-check';
import { type MicrosoftSandbox, startMicrosoftSandbox } from './testing/microsoft-sandbox.fixture';
import { providerFailure } from './testing/provider-failure';

// Sandbox start-up on a shared 2-core machine.
jest.setTimeout(60_000);

const REDIRECT = 'https://ferry.example/api/v1/connectors/microsoft/consent';

describe('admin consent onboarding against the sandbox Entra ID', () => {
  let ms: MicrosoftSandbox;
  beforeAll(async () => {
    ms = await startMicrosoftSandbox();
    await ms.changeApp({ redirectUris: [REDIRECT] });
  });
  afterAll(() => ms.close());

  const link = (state: string) =>
    adminConsentUrl({ endpoints: ms.endpoints, clientId: ms.clientId, redirectUri: REDIRECT, state });

  it('learns the tenant id from the consent redirect, after which the shared credential works in that tenant', async () => {
    const admin = ms.otherUsers[0];
    if (!admin) throw new Error('the scenario seeds a user in the second tenant');
    const state = randomBytes(16).toString('base64url');
    const back = new URL(
      await signInAsBrowser(link(state), {
        callbackPrefix: REDIRECT,
        username: admin.userPrincipalName,
        password: admin.password,
      }),
    );
    expect(parseAdminConsentCallback(back.searchParams)).toEqual({ tenantId: ms.otherTenantId, state });

    const identity = ms.identity({ tenantId: ms.otherTenantId });
    const report = await checkMicrosoftConnection({
      identity,
      endpoints: ms.endpoints,
      fetch: ms.fetch,
      workloads: [...WORKLOADS],
    });
    expect(report.findings.filter((f) => f.status !== 'ok')).toEqual([]);
    expect(report.ok).toBe(true);
  });

  it('reads a declined consent as not-authorized, with the state still Ferry’s to discard', async () => {
    const admin = ms.otherUsers[0];
    const url = link(randomBytes(16).toString('base64url'));
    // The consent page's Cancel button, as a browser submits it.
    const form = new URLSearchParams([
      ...new URL(url).searchParams,
      ['username', admin?.userPrincipalName ?? ''],
      ['password', admin?.password ?? ''],
      ['decline', '1'],
    ]);
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
      redirect: 'manual',
    });
    const back = new URL(res.headers.get('location') ?? '');
    expect(await providerFailure(() => parseAdminConsentCallback(back.searchParams))).toMatchObject({
      code: 'not-authorized',
      details: { providerCode: 'AADSTS65004' },
    });
  });
});
