import { ProviderError } from '@ferry/providers/core';
import { MICROSOFT_CLOUDS, validateEndpoints } from './microsoft-cloud';

describe('MICROSOFT_CLOUDS', () => {
  it('lists the published sign-in and Graph origins of each cloud', () => {
    expect(MICROSOFT_CLOUDS).toEqual({
      global: {
        authorityHost: 'https://login.microsoftonline.com',
        graphOrigin: 'https://graph.microsoft.com',
      },
      usgov: { authorityHost: 'https://login.microsoftonline.us', graphOrigin: 'https://graph.microsoft.us' },
      'usgov-dod': {
        authorityHost: 'https://login.microsoftonline.us',
        graphOrigin: 'https://dod-graph.microsoft.us',
      },
      china: {
        authorityHost: 'https://login.chinacloudapi.cn',
        graphOrigin: 'https://microsoftgraph.chinacloudapi.cn',
      },
    });
  });

  it.each(Object.entries(MICROSOFT_CLOUDS))('passes its own validation (%s)', (_cloud, endpoints) => {
    expect(validateEndpoints(endpoints)).toEqual(endpoints);
  });
});

describe('validateEndpoints', () => {
  it('returns canonical origins: lower-case host, no trailing slash, port kept', () => {
    expect(
      validateEndpoints({ authorityHost: 'https://LOGIN.example/', graphOrigin: 'https://127.0.0.1:8443' }),
    ).toEqual({
      authorityHost: 'https://login.example',
      graphOrigin: 'https://127.0.0.1:8443',
    });
  });

  it.each([
    [
      { authorityHost: 'http://login.example', graphOrigin: 'https://graph.example' },
      'authorityHost must use https',
    ],
    [
      { authorityHost: 'https://login.example', graphOrigin: 'ftp://graph.example' },
      'graphOrigin must use https',
    ],
    [
      { authorityHost: 'https://login.example/tenant', graphOrigin: 'https://graph.example' },
      'authorityHost must be an origin only (no path, query or fragment)',
    ],
    [
      { authorityHost: 'https://login.example', graphOrigin: 'https://graph.example/v1.0' },
      'graphOrigin must be an origin only (no path, query or fragment)',
    ],
    [
      { authorityHost: 'https://login.example?x=1', graphOrigin: 'https://graph.example' },
      'authorityHost must be an origin only (no path, query or fragment)',
    ],
    [
      { authorityHost: 'https://login.example/#top', graphOrigin: 'https://graph.example' },
      'authorityHost must be an origin only (no path, query or fragment)',
    ],
    [
      { authorityHost: 'https://admin:hunter2@login.example', graphOrigin: 'https://graph.example' },
      'authorityHost must not carry credentials',
    ],
    [
      { authorityHost: 'login.example', graphOrigin: 'https://graph.example' },
      'authorityHost must be an absolute https URL',
    ],
    [{ authorityHost: 42, graphOrigin: 'https://graph.example' }, 'authorityHost must be an https origin'],
    [{ graphOrigin: 'https://graph.example' }, 'authorityHost must be an https origin'],
    [null, 'endpoints must be an object with authorityHost and graphOrigin'],
  ])('refuses %j with invalid-input: %s', (input, message) => {
    expect(() => validateEndpoints(input)).toThrow(new ProviderError('invalid-input', message));
    try {
      validateEndpoints(input);
    } catch (e) {
      expect(e).toMatchObject({ code: 'invalid-input' });
      expect((e as Error).message).not.toContain('hunter2');
    }
  });
});
