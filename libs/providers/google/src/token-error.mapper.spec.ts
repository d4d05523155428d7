import { retryAfterSeconds, tokenEndpointError } from './token-error.mapper';

describe('tokenEndpointError for the service account', () => {
  it.each([
    [
      401,
      'unauthorized_client',
      'Client is unauthorized to retrieve access tokens using this method, or client not authorized for any of the scopes requested.',
      'not-authorized',
    ],
    [400, 'invalid_grant', 'Invalid email or User ID', 'unknown-tenant'],
    [400, 'invalid_grant', 'Invalid JWT Signature.', 'invalid-credentials'],
    [
      400,
      'invalid_grant',
      'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.',
      'invalid-credentials',
    ],
    [400, 'invalid_grant', 'Invalid grant: account not found', 'unknown-client'],
    [401, 'invalid_client', 'The OAuth client was not found.', 'unknown-client'],
    [400, 'disabled_client', 'The OAuth client was disabled.', 'invalid-credentials'],
    [400, 'invalid_scope', 'Invalid OAuth scope or ID token audience provided.', 'invalid-input'],
    [403, 'admin_policy_enforced', '', 'not-authorized'],
    [400, 'invalid_request', 'Missing required parameter: assertion', 'provider-error'],
    [503, 'backendError', '', 'provider-error'],
    [502, undefined, undefined, 'provider-error'],
  ])('maps %i %s (%s) to %s', (status, error, description, code) => {
    const mapped = tokenEndpointError('service-account', { status, error, description });
    expect(mapped.code).toBe(code);
    expect(mapped.details.status).toBe(status);
    expect(mapped.details.providerCode).toBe(error);
    if (description) expect(mapped.message).not.toContain(description);
  });

  it('explains a clock problem when Google refuses the assertion window', () => {
    expect(
      tokenEndpointError('service-account', {
        status: 400,
        error: 'invalid_grant',
        description:
          'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe.',
      }).message,
    ).toMatch(/clock/);
  });

  it('maps 429 to throttled with the Retry-After seconds', () => {
    const mapped = tokenEndpointError('service-account', {
      status: 429,
      error: 'rate_limit_exceeded',
      retryAfter: '7',
    });
    expect(mapped).toMatchObject({
      code: 'throttled',
      retryable: true,
      details: { retryAfterSeconds: 7, status: 429 },
    });
  });
});

describe('tokenEndpointError for an OAuth client', () => {
  it.each([
    [400, 'invalid_grant', 'Token has been expired or revoked.', 'invalid-grant'],
    [400, 'invalid_grant', 'Malformed auth code.', 'invalid-grant'],
    [401, 'invalid_client', 'Unauthorized', 'invalid-credentials'],
    [401, 'invalid_client', 'The OAuth client was not found.', 'unknown-client'],
    [400, 'redirect_uri_mismatch', 'Bad Request', 'invalid-input'],
    [401, 'unauthorized_client', 'Unauthorized', 'not-authorized'],
  ])('maps %i %s (%s) to %s', (status, error, description, code) => {
    expect(tokenEndpointError('oauth-client', { status, error, description }).code).toBe(code);
  });
});

describe('provider codes and Retry-After', () => {
  it('keeps a provider code only when it looks like one', () => {
    expect(
      tokenEndpointError('oauth-client', { status: 400, error: 'invalid grant for alice@example.com' })
        .details.providerCode,
    ).toBeUndefined();
    expect(
      tokenEndpointError('oauth-client', { status: 400, error: { nested: true } }).details.providerCode,
    ).toBeUndefined();
  });

  it('reads delta-seconds only, capped at an hour', () => {
    expect(retryAfterSeconds('30')).toBe(30);
    expect(retryAfterSeconds('86400')).toBe(3600);
    expect(retryAfterSeconds('Wed, 21 Oct 2015 07:28:00 GMT')).toBeUndefined();
    expect(retryAfterSeconds(null)).toBeUndefined();
  });
});
