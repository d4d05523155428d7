import { ProviderError } from '@ferry/providers/core';
import { gaxiosFailure, gmailFailure } from './gmail-failure';

describe('gmail failure mapping', () => {
  it('makes 429 and the rate-limit 403s throttled, with Retry-After', () => {
    const limited = gmailFailure(
      'messages.get',
      429,
      new Headers({ 'retry-after': '7' }),
      'userRateLimitExceeded',
    );
    expect(limited).toMatchObject({
      code: 'throttled',
      details: { status: 429, retryAfterSeconds: 7, providerCode: 'userRateLimitExceeded' },
    });
    expect(gmailFailure('messages.list', 403, {}, 'rateLimitExceeded').code).toBe('throttled');
    expect(gmailFailure('messages.list', 403, {}, 'forbidden').code).toBe('not-authorized');
  });

  it('never retries a 4xx that is not throttling, and retries 5xx', () => {
    for (const status of [400, 404, 409, 413]) {
      const e = gmailFailure('messages.import', status, undefined, 'invalidArgument');
      expect(e.code).toBe('invalid-input');
      expect(e.retryable).toBe(false);
    }
    expect(gmailFailure('messages.get', 401, undefined, undefined).code).toBe('invalid-credentials');
    expect(gmailFailure('messages.get', 500, undefined, 'backendError').retryable).toBe(true);
  });

  it('quotes neither Google’s text nor the request of a googleapis failure', () => {
    const gaxios = Object.assign(new Error('Invalid label: Secret Project for ceo@fabrikam.example'), {
      config: { headers: { authorization: 'Bearer ya29.secret-token' } },
      response: {
        status: 400,
        headers: new Headers(),
        data: {
          error: { message: 'Invalid label: Secret Project', errors: [{ reason: 'invalidArgument' }] },
        },
      },
    });
    const mapped = gaxiosFailure('messages.import', gaxios);
    expect(mapped).toBeInstanceOf(ProviderError);
    const shown = `${mapped.message} ${JSON.stringify(mapped)} ${mapped.stack ?? ''}`;
    expect(shown).not.toMatch(/Secret|ceo@|ya29/);
    expect(mapped.message).toBe('Gmail messages.import answered 400 (invalidArgument)');
  });

  it('passes on the outbound fetch’s own error when there was no answer', () => {
    const cause = new ProviderError('destination-refused', 'loopback refused');
    expect(gaxiosFailure('labels.list', Object.assign(new Error('request failed'), { cause }))).toBe(cause);
    expect((gaxiosFailure('labels.list', new Error('socket hang up')) as ProviderError).code).toBe(
      'unreachable',
    );
  });
});
