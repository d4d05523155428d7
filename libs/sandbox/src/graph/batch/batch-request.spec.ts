import { VendorError } from '../../http/vendor-error';
import { parseBatch } from './batch-request';

const get = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  method: 'GET',
  url: '/me',
  ...extra,
});
const code = (f: () => unknown): unknown => {
  try {
    f();
  } catch (e) {
    return e instanceof VendorError
      ? [e.status, (e.body as { error: { message: string } }).error.message]
      : e;
  }
  return 'no error';
};

describe('JSON batch payload validation', () => {
  it('normalises relative urls (with or without a leading slash or /v1.0) under /v1.0', () => {
    const steps = parseBatch({
      requests: [
        get('1', { url: 'users?$top=1' }),
        get('2', { url: '/v1.0/me/events' }),
        get('3', { url: '/me' }),
      ],
    });
    expect(steps.map((s) => s.url)).toEqual(['/v1.0/users?$top=1', '/v1.0/me/events', '/v1.0/me']);
  });

  it('serialises JSON bodies and decodes base64 bodies for other content types', () => {
    const [json, bin] = parseBatch({
      requests: [
        {
          id: '1',
          method: 'POST',
          url: '/me/contacts',
          headers: { 'Content-Type': 'application/json' },
          body: { givenName: 'A' },
        },
        {
          id: '2',
          method: 'PUT',
          url: '/me/photo/$value',
          headers: { 'content-type': 'image/png' },
          body: Buffer.from('png!').toString('base64'),
        },
      ],
    });
    expect(json?.body.toString()).toBe('{"givenName":"A"}');
    expect(bin?.body.toString()).toBe('png!');
  });

  it('rejects oversize, duplicate, dangling, cyclic, nested and absolute-url batches', () => {
    expect(
      code(() => parseBatch({ requests: Array.from({ length: 21 }, (_, i) => get(String(i))) })),
    ).toEqual([400, expect.stringContaining('20') as unknown]);
    expect(code(() => parseBatch({ requests: [get('a'), get('a')] }))).toEqual([
      400,
      expect.stringContaining("'a'") as unknown,
    ]);
    expect(code(() => parseBatch({ requests: [get('a', { dependsOn: ['b'] })] }))).toEqual([
      400,
      expect.stringContaining("'b'") as unknown,
    ]);
    expect(
      code(() => parseBatch({ requests: [get('a', { dependsOn: ['b'] }), get('b', { dependsOn: ['a'] })] })),
    ).toEqual([400, expect.stringContaining('cycle') as unknown]);
    expect(code(() => parseBatch({ requests: [get('a', { url: '/$batch' })] }))).toEqual([
      400,
      expect.stringContaining('nested') as unknown,
    ]);
    expect(
      code(() => parseBatch({ requests: [get('a', { url: 'https://graph.microsoft.com/v1.0/me' })] })),
    ).toEqual([400, expect.stringContaining('relative') as unknown]);
    expect(code(() => parseBatch({ requests: [] }))).toEqual([400, expect.any(String) as unknown]);
    expect(code(() => parseBatch({ nope: true }))).toEqual([400, 'Invalid batch payload format.']);
  });
});
