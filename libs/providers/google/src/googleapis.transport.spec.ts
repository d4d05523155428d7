import { Readable } from 'node:stream';
import { type OutboundFetch, type OutboundRequestInit, ProviderError } from '@ferry/providers/core';
import { google } from 'googleapis';
import { probeDirectory } from './directory.probe';
import { validateGoogleEndpoints } from './google-endpoints.config';
import { gaxiosFetch, googleApiOptions } from './googleapis.transport';

const endpoints = validateGoogleEndpoints({ apiRoot: 'https://directory.test/' });

/** An outbound fetch that records each request and answers from `answer`. */
function recording(answer: (url: URL) => Response): {
  fetch: OutboundFetch;
  calls: { url: URL; init: OutboundRequestInit }[];
} {
  const calls: { url: URL; init: OutboundRequestInit }[] = [];
  return {
    calls,
    fetch: async (url, init = {}) => {
      calls.push({ url: new URL(String(url)), init });
      return answer(new URL(String(url)));
    },
  };
}

const json = (status: number, body: unknown): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('googleApiOptions', () => {
  it('sends a googleapis call through the given fetch, to the API root, with the token and without compression', async () => {
    const { fetch, calls } = recording(() => json(200, { users: [{ id: '1' }] }));
    const admin = google.admin({
      version: 'directory_v1',
      ...googleApiOptions({ accessToken: 'ya29.test-token', endpoints, fetch }),
    });
    const res = await admin.users.list({ customer: 'C01234567', maxResults: 1 });

    expect(res.data.users).toEqual([{ id: '1' }]);
    expect(calls).toHaveLength(1);
    const [call] = calls;
    expect(call?.url.origin + (call?.url.pathname ?? '')).toBe(
      'https://directory.test/admin/directory/v1/users',
    );
    expect(call?.url.searchParams.get('customer')).toBe('C01234567');
    const headers = new Headers(call?.init.headers);
    expect(headers.get('authorization')).toBe('Bearer ya29.test-token');
    expect(headers.get('accept-encoding')).toBe('identity');
  });

  it('does not retry a refused call itself', async () => {
    const { fetch, calls } = recording(() =>
      json(503, { error: { code: 503, message: 'backend', errors: [{ reason: 'backendError' }] } }),
    );
    const admin = google.admin({
      version: 'directory_v1',
      ...googleApiOptions({ accessToken: 'ya29.x', endpoints, fetch }),
    });
    await expect(admin.users.list({ customer: 'C01234567' })).rejects.toMatchObject({ status: 503 });
    expect(calls).toHaveLength(1);
  });
});

describe('gaxiosFetch', () => {
  it('refuses a streamed body rather than buffering an upload of unknown size', async () => {
    const { fetch, calls } = recording(() => json(200, {}));
    const body = Readable.from(['chunk']) as unknown as RequestInit['body'];
    await expect(
      gaxiosFetch(fetch)('https://directory.test/upload', { method: 'POST', body }),
    ).rejects.toMatchObject({ code: 'invalid-input' });
    expect(calls).toHaveLength(0);
  });
});

describe('probeDirectory', () => {
  const input = (fetch: OutboundFetch) => ({
    accessToken: 'ya29.x',
    customerId: 'C01234567',
    endpoints,
    fetch,
  });

  it('answers ok for a listed user, and the status and reason of a refusal', async () => {
    await expect(probeDirectory(input(recording(() => json(200, { users: [] })).fetch))).resolves.toEqual({
      ok: true,
    });
    const forbidden = json(403, {
      error: {
        code: 403,
        message: 'Not Authorized to access this resource/api',
        errors: [{ reason: 'forbidden' }],
      },
    });
    await expect(probeDirectory(input(recording(() => forbidden).fetch))).resolves.toEqual({
      ok: false,
      status: 403,
      reason: 'forbidden',
    });
  });

  it("surfaces the outbound fetch's ProviderError that gaxios wrapped", async () => {
    const refused: OutboundFetch = () =>
      Promise.reject(new ProviderError('destination-refused', 'destination "directory.test" refused'));
    await expect(probeDirectory(input(refused))).rejects.toMatchObject({ code: 'destination-refused' });
  });
});
