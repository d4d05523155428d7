import { aadstsOf, entraProviderError, retryAfterSeconds } from './entra-error';

describe('entraProviderError', () => {
  it.each([
    [7000215, 'invalid_client', 'invalid-credentials'],
    [7000222, 'invalid_client', 'invalid-credentials'],
    [700027, 'invalid_client', 'invalid-credentials'],
    [90002, 'invalid_request', 'unknown-tenant'],
    [700016, 'unauthorized_client', 'unknown-client'],
    [65001, 'invalid_grant', 'not-authorized'],
    [70000, 'invalid_grant', 'invalid-grant'],
    [70008, 'invalid_grant', 'invalid-grant'],
    [9002313, 'invalid_grant', 'invalid-grant'],
    [501481, 'invalid_grant', 'invalid-grant'],
  ])('maps AADSTS%i (%s) to %s with providerCode AADSTS<n>', (aadsts, error, code) => {
    const mapped = entraProviderError({ aadsts, error, status: 400 });
    expect(mapped).toMatchObject({ code, details: { providerCode: `AADSTS${aadsts}`, status: 400 } });
    expect(mapped.message).toContain(`(AADSTS${aadsts})`);
  });

  it.each([
    ['invalid_client', 'invalid-credentials'],
    ['unauthorized_client', 'unknown-client'],
    ['invalid_grant', 'invalid-grant'],
    ['interaction_required', 'invalid-grant'],
    ['consent_required', 'not-authorized'],
  ])('falls back on the OAuth error %s for an unknown AADSTS code: %s', (error, code) => {
    expect(entraProviderError({ aadsts: 123456789, error, status: 400 }).code).toBe(code);
    expect(entraProviderError({ error, status: 400 })).toMatchObject({
      code,
      details: { providerCode: error },
    });
  });

  it('maps 429 to throttled with Retry-After, whatever the body says', () => {
    const mapped = entraProviderError({ status: 429, aadsts: 7000215, retryAfterSeconds: 30 });
    expect(mapped).toMatchObject({
      code: 'throttled',
      retryable: true,
      details: { retryAfterSeconds: 30, status: 429 },
    });
  });

  it('maps 5xx without a known code to a retryable provider error, and anything else to a final one', () => {
    expect(entraProviderError({ status: 503, error: 'temporarily_unavailable' })).toMatchObject({
      code: 'provider-error',
      retryable: true,
      message: 'Entra ID answered 503',
    });
    expect(entraProviderError({ status: 400, error: 'invalid_scope', aadsts: 1002012 })).toMatchObject({
      code: 'provider-error',
      details: { providerCode: 'AADSTS1002012' },
    });
  });

  it('keeps an OAuth error that does not look like a code out of the details', () => {
    expect(
      entraProviderError({ status: 400, error: 'bad secret hunter2 <script>' }).details.providerCode,
    ).toBeUndefined();
  });
});

describe('aadstsOf', () => {
  it('prefers error_codes, else finds the code at the start of the description', () => {
    expect(aadstsOf([7000215, 1], 'AADSTS90002: x')).toBe(7000215);
    expect(aadstsOf(undefined, 'AADSTS90002: Tenant not found.')).toBe(90002);
    expect(aadstsOf(['7000215'], 'no code here')).toBeUndefined();
  });
});

describe('retryAfterSeconds', () => {
  it('reads delta-seconds and HTTP dates, bounded to a day', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterSeconds('17', now)).toBe(17);
    expect(retryAfterSeconds('Thu, 01 Jan 2026 00:01:00 GMT', now)).toBe(60);
    expect(retryAfterSeconds('999999999', now)).toBe(86_400);
    expect(retryAfterSeconds('soon', now)).toBeUndefined();
    expect(retryAfterSeconds(null, now)).toBeUndefined();
  });
});
