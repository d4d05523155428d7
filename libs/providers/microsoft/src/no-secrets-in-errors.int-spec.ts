import { randomBytes } from 'node:crypto';
import { ProviderError, WORKLOADS } from '@ferry/providers/core';
import { adminConsentUrl, parseAdminConsentCallback } from './admin-consent';
import { describeCertificate } from './client-credential';
import { checkMicrosoftConnection } from './connection-check';
import { createGraphClient, graphProviderError } from './graph-client';
import { testCertificate } from './testing/certificate.fixture';
import { type MicrosoftSandbox, startMicrosoftSandbox } from './testing/microsoft-sandbox.fixture';

// Sandbox start-up and RSA key generation on a shared 2-core machine.
jest.setTimeout(60_000);

const planted = (label: string) => `${label}-${randomBytes(12).toString('base64url')}`;

describe('no secret, token or user address in what the Microsoft adapter throws, reports or logs', () => {
  let ms: MicrosoftSandbox;
  const logged: string[] = [];
  const spies: jest.SpyInstance[] = [];
  beforeAll(async () => {
    ms = await startMicrosoftSandbox();
    for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
      spies.push(
        jest
          .spyOn(console, method)
          .mockImplementation((...args: unknown[]) => void logged.push(args.map(String).join(' '))),
      );
    }
    for (const stream of [process.stdout, process.stderr]) {
      const write = stream.write.bind(stream);
      spies.push(
        jest
          .spyOn(stream, 'write')
          .mockImplementation(
            ((chunk: unknown, ...rest: never[]) => (
              logged.push(String(chunk)),
              write(chunk as string, ...rest)
            )) as typeof stream.write,
          ),
      );
    }
  });
  afterAll(async () => {
    for (const spy of spies) spy.mockRestore();
    await ms.close();
  });

  it('keeps planted secrets, refresh tokens, codes, keys and addresses out of every failure', async () => {
    const secret = planted('sbx~secret');
    const refreshToken = planted('rt');
    const code = planted('code');
    const address = `${planted('someone')}@contoso.example`;
    const cert = await testCertificate();
    const otherKey = (await testCertificate()).privateKeyPem;
    const keyLines = [cert.privateKeyPem, otherKey]
      .flatMap((p) => p.split('\n'))
      .filter((l) => l.length > 40);

    const outcomes: unknown[] = [];
    const attempt = async (fn: () => unknown): Promise<void> => {
      try {
        outcomes.push(await fn());
      } catch (e) {
        outcomes.push(e);
      }
    };
    const badSecret = ms.identity({ credential: { kind: 'client-secret', secret } });
    await attempt(() => badSecret.acquireAppToken());
    await attempt(() =>
      checkMicrosoftConnection({
        identity: badSecret,
        endpoints: ms.endpoints,
        fetch: ms.fetch,
        workloads: [...WORKLOADS],
      }),
    );
    await attempt(() =>
      ms
        .identity({ credential: { kind: 'client-secret', secret }, fetch: ms.refusingFetch })
        .acquireAppToken(),
    );
    await attempt(() => ms.identity().refreshDelegated({ refreshToken, scopes: ['Mail.ReadWrite'] }));
    await attempt(() =>
      ms.identity({ fetch: ms.refusingFetch }).refreshDelegated({ refreshToken, scopes: ['Mail.ReadWrite'] }),
    );
    await attempt(() =>
      ms.identity().redeemAuthorizationCode({
        code,
        redirectUri: 'https://ferry.example/cb',
        codeVerifier: randomBytes(32).toString('base64url'),
        scopes: ['Mail.ReadWrite'],
      }),
    );
    await attempt(() =>
      ms.identity().redeemAuthorizationCode({
        code,
        redirectUri: `https://ferry.example/cb?user=${address}`,
        codeVerifier: secret,
        scopes: [address],
      }),
    );
    await attempt(() =>
      ms.identity().authorizationUrl({
        redirectUri: 'https://ferry.example/cb',
        state: secret,
        codeChallenge: secret,
        scopes: [address],
        loginHint: address,
      }),
    );
    await attempt(() =>
      ms.identity({
        credential: { kind: 'certificate', certificatePem: cert.certificatePem, privateKeyPem: otherKey },
      }),
    );
    await attempt(() =>
      describeCertificate(
        cert.certificatePem,
        `-----BEGIN PRIVATE KEY-----\n${secret}\n-----END PRIVATE KEY-----\n`,
      ),
    );
    await attempt(() =>
      adminConsentUrl({
        endpoints: ms.endpoints,
        clientId: ms.clientId,
        redirectUri: `https://${secret}@ferry.example/cb`,
        state: secret,
      }),
    );
    await attempt(() =>
      parseAdminConsentCallback(
        new URLSearchParams({
          error: 'access_denied',
          error_description: `AADSTS65004: ${address} declined ${secret}`,
        }),
      ),
    );
    await attempt(() =>
      parseAdminConsentCallback(
        new URLSearchParams({ admin_consent: 'True', tenant: address, state: secret }),
      ),
    );
    // Graph quotes the requested user in its 404 message; the adapter must not.
    const token = await ms.identity().acquireAppToken();
    const graph = createGraphClient({
      endpoints: ms.endpoints,
      fetch: ms.fetch,
      accessToken: () => Promise.resolve(token.accessToken),
    });
    const raw: unknown = await graph
      .api(`/users/${address}`)
      .get()
      .catch((e: unknown) => e);
    expect(String((raw as Error).message)).toContain(address);
    outcomes.push(graphProviderError(raw));

    const errors = outcomes.filter((o): o is Error => o instanceof Error);
    expect(errors.length).toBeGreaterThanOrEqual(13);
    expect(errors.every((e) => e instanceof ProviderError)).toBe(true);
    const said = [
      ...outcomes.map((o) => (o instanceof Error ? `${o.message} ${JSON.stringify(o)}` : JSON.stringify(o))),
      ...logged,
    ].join('\n');
    for (const value of [secret, refreshToken, code, address, ...keyLines]) expect(said).not.toContain(value);
  });
});
