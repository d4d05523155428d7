import 'reflect-metadata';
import { createHash, webcrypto } from 'node:crypto';
import { ConfidentialClientApplication } from '@azure/msal-node';
import * as x509 from '@peculiar/x509';
import { decodeJwt, importPKCS8, SignJWT } from 'jose';
import type { Sandbox } from '../sandbox';
import { call, startTestSandbox } from '../testing/test-sandbox';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
const ALG = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 } as const;

/** A self-signed certificate and its PKCS#8 key, as an admin uploads to an app registration. */
async function certificate(): Promise<{ pem: string; keyPem: string; sha256Hex: string }> {
  const keys = await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify']);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({ serialNumber: '01', name: 'CN=ferry-connector', notBefore: new Date(Date.now() - 60_000), notAfter: new Date(Date.now() + 86_400_000), signingAlgorithm: ALG, keys });
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  const keyPem = `-----BEGIN PRIVATE KEY-----\n${der.toString('base64').replace(/(.{64})/g, '$1\n').trimEnd()}\n-----END PRIVATE KEY-----\n`;
  return { pem: cert.toString('pem'), keyPem, sha256Hex: createHash('sha256').update(Buffer.from(cert.rawData)).digest('hex') };
}

// Sandbox start-up generates RSA keys; on a loaded 2-core machine that outlasts jest's 5 s default.
jest.setTimeout(30_000);

describe('Entra client credentials with a certificate assertion through @azure/msal-node', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startTestSandbox({ workloads: [] });
  }, 60_000);
  afterAll(() => sandbox.close());

  /** Uploads a certificate to the app registration, as an admin does in the portal. */
  const register = (certificate: string) =>
    call(`${sandbox.endpoints.inspect}/microsoft/${sandbox.endpoints.microsoft.tenantId}/apps/${sandbox.endpoints.microsoft.clientId}/certificates`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ certificate }),
    });

  const msal = (cert: { keyPem: string; sha256Hex: string }) =>
    new ConfidentialClientApplication({
      auth: {
        clientId: sandbox.endpoints.microsoft.clientId,
        clientCertificate: { thumbprintSha256: cert.sha256Hex, privateKey: cert.keyPem },
        authority: `${sandbox.endpoints.entraAuthority}/${sandbox.endpoints.microsoft.tenantId}`,
        knownAuthorities: [new URL(sandbox.endpoints.entraAuthority).host],
      },
    });

  it('issues an app-only token for an assertion signed by a registered certificate', async () => {
    const cert = await certificate();
    expect((await register(cert.pem)).status).toBe(201);
    const result = await msal(cert).acquireTokenByClientCredential({ scopes: ['https://graph.microsoft.com/.default'] });
    expect(decodeJwt(result?.accessToken ?? '')).toMatchObject({ tid: sandbox.endpoints.microsoft.tenantId, appid: sandbox.endpoints.microsoft.clientId });
  });

  it('tolerates a client clock slightly ahead (MSAL rounds nbf up) and refuses an assertion not valid for an hour', async () => {
    const cert = await certificate();
    expect((await register(cert.pem)).status).toBe(201);
    const tokenUrl = `${sandbox.endpoints.entraAuthority}/${sandbox.endpoints.microsoft.tenantId}/oauth2/v2.0/token`;
    const key = await importPKCS8(cert.keyPem, 'PS256');
    const signed = (notBeforeS: number) =>
      new SignJWT({ jti: `${notBeforeS}-${Math.random()}` })
        .setProtectedHeader({ alg: 'PS256', 'x5t#S256': Buffer.from(cert.sha256Hex, 'hex').toString('base64url') })
        .setIssuer(sandbox.endpoints.microsoft.clientId)
        .setSubject(sandbox.endpoints.microsoft.clientId)
        .setAudience(tokenUrl)
        .setNotBefore(notBeforeS)
        .setExpirationTime(notBeforeS + 600)
        .sign(key);
    const exchange = async (assertion: string) =>
      call(tokenUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: sandbox.endpoints.microsoft.clientId,
          client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
          client_assertion: assertion,
          scope: 'https://graph.microsoft.com/.default',
        }).toString(),
      });
    const nowS = Math.floor(Date.now() / 1000);
    expect((await exchange(await signed(nowS + 1))).status).toBe(200);
    const future = await exchange(await signed(nowS + 3600));
    expect(future.status).toBe(401);
    expect(future.body).toMatchObject({ error: 'invalid_client' });
  });

  it('refuses an assertion from a certificate the app does not know with invalid_client AADSTS700027', async () => {
    const error: unknown = await msal(await certificate())
      .acquireTokenByClientCredential({ scopes: ['https://graph.microsoft.com/.default'] })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ errorCode: 'invalid_client' });
    expect((error as { errorMessage: string }).errorMessage).toContain('AADSTS700027');
  });

  it('refuses a certificate upload that is not a certificate', async () => {
    expect((await register('-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----')).status).toBe(400);
  });
});
