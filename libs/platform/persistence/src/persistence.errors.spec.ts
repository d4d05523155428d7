import { errorMessage, redactSecret } from './persistence.errors';

describe('redactSecret', () => {
  it('replaces the raw and percent-encoded secret everywhere', () => {
    expect(redactSecret('a p@ss b p%40ss c p@ss', 'p@ss')).toBe('a *** b *** c ***');
  });

  it('leaves text alone without a secret', () => {
    expect(redactSecret('nothing to hide', undefined)).toBe('nothing to hide');
  });
});

describe('errorMessage', () => {
  it('falls back to the error code when the message is empty, as for dual-stack ECONNREFUSED', () => {
    const err = Object.assign(new AggregateError([], ''), { code: 'ECONNREFUSED' });
    expect(errorMessage(err)).toBe('ECONNREFUSED');
  });

  it('reads the message of an error-like object from another realm, without the "Error:" prefix', () => {
    expect(errorMessage({ name: 'Error', message: 'connect ECONNREFUSED 127.0.0.1:1' })).toBe(
      'connect ECONNREFUSED 127.0.0.1:1',
    );
  });
});
