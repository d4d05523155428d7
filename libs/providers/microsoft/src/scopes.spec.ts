import { ProviderError } from '@ferry/providers/core';
import { delegatedScopeParameter, grantedScopes } from './scopes';

describe('delegatedScopeParameter', () => {
  it('adds openid, profile and offline_access and qualifies Graph names with the cloud Graph origin', () => {
    expect(
      delegatedScopeParameter(
        ['Mail.ReadWrite', 'https://graph.microsoft.us/User.Read', 'offline_access'],
        'https://graph.microsoft.us',
      ),
    ).toBe(
      'openid profile offline_access https://graph.microsoft.us/Mail.ReadWrite https://graph.microsoft.us/User.Read',
    );
  });

  it.each([[[]], [['Mail Read']], [['Mail.Read&x=1']], [Array.from({ length: 51 }, (_, i) => `S${i}`)]])(
    'refuses %j',
    (scopes) => {
      expect(() => delegatedScopeParameter(scopes, 'https://graph.microsoft.com')).toThrow(ProviderError);
    },
  );
});

describe('grantedScopes', () => {
  it('reads short Graph permission names from a token response scope, without the OIDC scopes', () => {
    expect(
      grantedScopes(
        'openid profile https://graph.microsoft.com/Mail.ReadWrite User.Read offline_access https://sandbox.example/Files.ReadWrite',
        'https://sandbox.example',
      ),
    ).toEqual(['Mail.ReadWrite', 'User.Read', 'Files.ReadWrite']);
    expect(grantedScopes(undefined, 'https://graph.microsoft.com')).toEqual([]);
  });
});
