import { generateKeyPairSync } from 'node:crypto';
import type { OutboundFetch } from '@ferry/providers/core';
import { decodeProtectedHeader, jwtVerify } from 'jose';
import type { ServiceAccountKey } from './service-account-key.parser';
import { GoogleServiceAccountClient } from './service-account.client';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const key: ServiceAccountKey = {
  clientEmail: 'ferry@project.iam.gserviceaccount.com',
  clientId: '123456789012345678901',
  privateKeyId: 'abcdef0123456789abcdef0123456789abcdef01',
  privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  tokenUri: 'https://token.test/token',
};
const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);
const SCOPE = 'https://www.googleapis.com/auth/gmail.readonly';

/** A token endpoint that records the form it received and answers `answer`. */
function endpoint(answer: () => Response): {
  fetch: OutboundFetch;
  forms: URLSearchParams[];
  urls: string[];
} {
  const forms: URLSearchParams[] = [];
  const urls: string[] = [];
  return {
    forms,
    urls,
    fetch: async (url, init) => {
      urls.push(String(url));
      forms.push(new URLSearchParams(init?.body instanceof URLSearchParams ? init.body : String(init?.body)));
      return answer();
    },
  };
}
const ok =
  (body: Record<string, unknown> = {}) =>
  () =>
    new Response(
      JSON.stringify({ access_token: 'ya29.issued', expires_in: 3599, token_type: 'Bearer', ...body }),
      { status: 200 },
    );

describe('GoogleServiceAccountClient assertion', () => {
  it("posts an RS256 JWT-bearer assertion to the key's token_uri: issuer, subject, audience, scopes, kid, one hour at most", async () => {
    const e = endpoint(ok());
    const client = new GoogleServiceAccountClient({ key, fetch: e.fetch, clock: { now: () => NOW } });
    await client.acquireDelegatedToken('ada@fabrikam.example', [
      SCOPE,
      'https://www.googleapis.com/auth/gmail.insert',
    ]);

    expect(e.urls).toEqual([key.tokenUri]);
    const form = e.forms[0] ?? new URLSearchParams();
    expect(form.get('grant_type')).toBe('urn:ietf:params:oauth:grant-type:jwt-bearer');
    const assertion = form.get('assertion') ?? '';
    expect(decodeProtectedHeader(assertion)).toEqual({ alg: 'RS256', typ: 'JWT', kid: key.privateKeyId });
    const { payload } = await jwtVerify(assertion, publicKey, {
      currentDate: new Date(NOW),
      issuer: key.clientEmail,
      audience: key.tokenUri,
      algorithms: ['RS256'],
    });
    expect(payload).toMatchObject({
      sub: 'ada@fabrikam.example',
      scope: `${SCOPE} https://www.googleapis.com/auth/gmail.insert`,
      iat: NOW / 1000,
    });
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBeLessThanOrEqual(3600);
  });

  it('dates the token by the clock and reports the requested scopes when Google lists none', async () => {
    const client = new GoogleServiceAccountClient({
      key,
      fetch: endpoint(ok()).fetch,
      clock: { now: () => NOW },
    });
    await expect(client.acquireDelegatedToken('ada@fabrikam.example', [SCOPE])).resolves.toEqual({
      accessToken: 'ya29.issued',
      expiresAt: new Date(NOW + 3_599_000),
      granted: [SCOPE],
    });
  });

  it('reports the scopes Google lists when it lists them', async () => {
    const client = new GoogleServiceAccountClient({
      key,
      fetch: endpoint(ok({ scope: `${SCOPE} openid` })).fetch,
    });
    expect((await client.acquireDelegatedToken('ada@fabrikam.example', [SCOPE])).granted).toEqual([
      SCOPE,
      'openid',
    ]);
  });

  it('maps 429 to throttled with Retry-After', async () => {
    const client = new GoogleServiceAccountClient({
      key,
      fetch: endpoint(
        () =>
          new Response(JSON.stringify({ error: 'rate_limit_exceeded' }), {
            status: 429,
            headers: { 'retry-after': '12' },
          }),
      ).fetch,
    });
    await expect(client.acquireDelegatedToken('ada@fabrikam.example', [SCOPE])).rejects.toMatchObject({
      code: 'throttled',
      retryable: true,
      details: { providerCode: 'rate_limit_exceeded', retryAfterSeconds: 12, status: 429 },
    });
  });

  it.each([
    ['an answer without a token', () => new Response(JSON.stringify({ expires_in: 3600 }), { status: 200 })],
    ['an answer that is not JSON', () => new Response('<html>proxy</html>', { status: 200 })],
  ])('refuses %s as provider-error', async (_name, answer) => {
    const client = new GoogleServiceAccountClient({ key, fetch: endpoint(answer).fetch });
    await expect(client.acquireDelegatedToken('ada@fabrikam.example', [SCOPE])).rejects.toMatchObject({
      code: 'provider-error',
    });
  });
});
