import { retryAfterFrom, statusError, vendorErrorCode } from './streaming-transport.errors';

describe('mapping an error answer of a streamed exchange', () => {
  const none = new Headers();

  it('reads Retry-After as seconds or an HTTP date, clamped to a day', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterFrom('12', now)).toBe(12);
    expect(retryAfterFrom('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30);
    expect(retryAfterFrom('9999999', now)).toBe(86_400);
    expect(retryAfterFrom('soon', now)).toBeUndefined();
    expect(retryAfterFrom(null, now)).toBeUndefined();
  });

  it('takes the machine code from Graph, Google and OAuth bodies, never free text', () => {
    expect(
      vendorErrorCode('{"error":{"code":"ErrorItemNotFound","message":"The item alice@example.com"}}'),
    ).toBe('ErrorItemNotFound');
    expect(
      vendorErrorCode(
        '{"error":{"code":403,"status":"PERMISSION_DENIED","errors":[{"reason":"userRateLimitExceeded"}]}}',
      ),
    ).toBe('userRateLimitExceeded');
    expect(vendorErrorCode('{"error":"invalid_grant","error_description":"secret"}')).toBe('invalid_grant');
    expect(vendorErrorCode('{"error":{"code":"has spaces alice@example.com"}}')).toBeUndefined();
    expect(vendorErrorCode('<html>oops</html>')).toBeUndefined();
  });

  it('treats 429, a 503 with Retry-After and Google rate-limit 403s as throttling', () => {
    const after = new Headers({ 'retry-after': '5' });
    expect(statusError('h', 429, after)).toMatchObject({
      code: 'throttled',
      details: { status: 429, retryAfterSeconds: 5 },
    });
    expect(statusError('h', 429, none).details.retryAfterSeconds).toBeUndefined();
    expect(statusError('h', 503, after)).toMatchObject({
      code: 'throttled',
      details: { retryAfterSeconds: 5 },
    });
    expect(statusError('h', 403, none, 'rateLimitExceeded').code).toBe('throttled');
  });

  it('names credentials, permissions, unreachable peers and the rest', () => {
    expect(statusError('h', 401, none).code).toBe('invalid-credentials');
    expect(statusError('h', 403, none, 'ErrorAccessDenied').code).toBe('not-authorized');
    expect(statusError('h', 503, none).code).toBe('unreachable');
    expect(statusError('h', 504, none).code).toBe('unreachable');
    const notFound = statusError('graph.example:443', 404, none, 'ErrorItemNotFound');
    expect(notFound).toMatchObject({
      code: 'provider-error',
      message: 'graph.example:443 answered 404 (ErrorItemNotFound)',
      details: { status: 404, providerCode: 'ErrorItemNotFound' },
    });
  });
});
