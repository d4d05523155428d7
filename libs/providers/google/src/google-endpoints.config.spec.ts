import { DEFAULT_GOOGLE_ENDPOINTS, googleJwksUri, validateGoogleEndpoints } from './google-endpoints.config';

describe('validateGoogleEndpoints', () => {
  it("defaults to Google's production endpoints", () => {
    expect(validateGoogleEndpoints(undefined)).toEqual({
      apiRoot: 'https://www.googleapis.com/',
      authUri: 'https://accounts.google.com/o/oauth2/v2/auth',
      tokenUri: 'https://oauth2.googleapis.com/token',
    });
    expect(validateGoogleEndpoints({})).toEqual(DEFAULT_GOOGLE_ENDPOINTS);
  });

  it('fills absent fields and ends the API root with a slash, as googleapis resolves paths against it', () => {
    expect(validateGoogleEndpoints({ apiRoot: 'https://127.0.0.1:8443' })).toEqual({
      ...DEFAULT_GOOGLE_ENDPOINTS,
      apiRoot: 'https://127.0.0.1:8443/',
    });
    expect(validateGoogleEndpoints({ apiRoot: 'https://proxy.example/google' }).apiRoot).toBe(
      'https://proxy.example/google/',
    );
  });

  it.each([
    [{ apiRoot: 'http://www.googleapis.com/' }, 'endpoints.apiRoot must be an absolute https URL'],
    [{ authUri: 'accounts.google.com/o/oauth2/v2/auth' }, 'endpoints.authUri must be an absolute https URL'],
    [
      { tokenUri: 'https://user:secret@oauth2.googleapis.com/token' },
      'endpoints.tokenUri must not carry credentials or a fragment',
    ],
    [
      { tokenUri: 'https://oauth2.googleapis.com/token#x' },
      'endpoints.tokenUri must not carry credentials or a fragment',
    ],
    [{ authUri: 'https://accounts.google.com/auth?prompt=none' }, 'endpoints.authUri must not carry a query'],
    [{ tokenUri: 42 }, 'endpoints.tokenUri must be an absolute https URL'],
    [
      { tokenUri: 'https://oauth2.googleapis.com/token', jwks: 'https://x.example' },
      'Google endpoints has an unknown field',
    ],
    ['https://www.googleapis.com/', 'Google endpoints must be an object'],
  ])('refuses %j as invalid-input', (input, message) => {
    expect(() => validateGoogleEndpoints(input)).toThrow(
      expect.objectContaining({ code: 'invalid-input', message }) as Error,
    );
  });

  it('never echoes the value it refuses', () => {
    expect(() =>
      validateGoogleEndpoints({ tokenUri: 'https://user:hunter2@oauth2.googleapis.com/token' }),
    ).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('hunter2') as unknown }) as Error,
    );
  });

  it("finds Google's ID-token keys under the API root", () => {
    expect(googleJwksUri(DEFAULT_GOOGLE_ENDPOINTS)).toBe('https://www.googleapis.com/oauth2/v3/certs');
    expect(googleJwksUri(validateGoogleEndpoints({ apiRoot: 'https://127.0.0.1:8443/' }))).toBe(
      'https://127.0.0.1:8443/oauth2/v3/certs',
    );
  });
});
