import { decodeSsoSettings, encodeSsoSettings } from './sso-settings.codec';

const SSO = {
  entraTenantIds: ['t1'],
  googleHostedDomains: ['contoso.example'],
  allowedDomains: ['contoso.example'],
  groupRoles: [{ group: 'g1', role: 'auditor' as const }],
};

describe('SSO settings codec', () => {
  it('round-trips the settings', () => {
    expect(decodeSsoSettings(encodeSsoSettings(SSO))).toEqual(SSO);
  });

  it('refuses a stored document with an unknown role or a missing list', () => {
    expect(() =>
      decodeSsoSettings(JSON.stringify({ ...SSO, groupRoles: [{ group: 'g1', role: 'root' }] })),
    ).toThrow('groupRoles has an invalid entry');
    expect(() => decodeSsoSettings(JSON.stringify({ ...SSO, allowedDomains: undefined }))).toThrow(
      'allowedDomains is not a list of strings',
    );
  });
});
