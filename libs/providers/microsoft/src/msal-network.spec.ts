import { type OutboundFetch, ProviderError } from '@ferry/providers/core';
import { OutboundNetworkModule, refuseUnavailable } from './msal-network';

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

describe('refuseUnavailable', () => {
  it('lets every answer below 500 but 429 through, errors included', async () => {
    await expect(refuseUnavailable(json(200, {}))).resolves.toBeUndefined();
    await expect(
      refuseUnavailable(json(400, { error: 'invalid_client', error_codes: [7000215] })),
    ).resolves.toBeUndefined();
  });

  it('turns 429 into throttled with Retry-After, and 5xx into a retryable provider error', async () => {
    await expect(
      refuseUnavailable(json(429, { error: 'temporarily_unavailable' }, { 'retry-after': '9' })),
    ).rejects.toMatchObject({ code: 'throttled', details: { retryAfterSeconds: 9, status: 429 } });
    await expect(
      refuseUnavailable(new Response('<html>down</html>', { status: 503, headers: { 'retry-after': '4' } })),
    ).rejects.toMatchObject({
      code: 'provider-error',
      retryable: true,
      details: { retryAfterSeconds: 4, status: 503 },
    });
  });
});

describe('OutboundNetworkModule', () => {
  it('hands MSAL the status, lower-case headers and parsed JSON body of an answer', async () => {
    const seen: { url: string; method?: string; body?: unknown }[] = [];
    const fetch: OutboundFetch = (url, init) => {
      seen.push({ url: String(url), method: init?.method, body: init?.body });
      return Promise.resolve(json(400, { error: 'invalid_grant' }, { 'X-Ms-Request-Id': 'r1' }));
    };
    const module = new OutboundNetworkModule(fetch);
    const res = await module.sendPostRequestAsync<{ error: string }>(
      'https://login.example/t/oauth2/v2.0/token',
      { body: 'grant_type=x', headers: {} },
    );
    expect(res).toMatchObject({
      status: 400,
      body: { error: 'invalid_grant' },
      headers: { 'x-ms-request-id': 'r1' },
    });
    expect(seen).toEqual([
      { url: 'https://login.example/t/oauth2/v2.0/token', method: 'POST', body: 'grant_type=x' },
    ]);
  });

  it('keeps a transport failure under the correlation id until taken, once', async () => {
    const refused = new ProviderError(
      'destination-refused',
      'destination "login.example" refused: 10.0.0.1 is a private address',
    );
    const module = new OutboundNetworkModule(() => Promise.reject(refused));
    await expect(
      module.sendPostRequestAsync('https://login.example/token', { correlationId: 'c1' }),
    ).rejects.toBe(refused);
    expect(module.takeFailure('c1')).toBe(refused);
    expect(module.takeFailure('c1')).toBeUndefined();
  });

  it('reads a non-ProviderError as unreachable without its text', async () => {
    const module = new OutboundNetworkModule(() =>
      Promise.reject(new Error('connect to secret-host failed')),
    );
    await expect(
      module.sendGetRequestAsync('https://login.example/x', { correlationId: 'c2' }),
    ).rejects.toEqual(new ProviderError('unreachable', 'login.example could not be reached'));
  });
});
