import { SsoRejectedError } from '@ferry/identity/application';
import { entraAssertion, googleAssertion, type IdTokenClaims } from './provider-claims';

const TENANT = '5f1b6c2e-8d1a-4e0b-9b1c-2a3d4e5f6a7b';
const OID = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
const entra: IdTokenClaims = {
  iss: `https://login.microsoftonline.com/${TENANT}/v2.0`,
  tid: TENANT,
  oid: OID,
  preferred_username: 'ada@contoso.example',
  name: 'Ada Lovelace',
  groups: ['g-1', 'g-2'],
};
const google: IdTokenClaims = {
  iss: 'https://accounts.google.com',
  sub: '1234567890',
  email: 'ada@fabrikam.example',
  email_verified: true,
  hd: 'fabrikam.example',
  name: 'Ada Lovelace',
};

const reason = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    if (e instanceof SsoRejectedError) return e.reason;
    throw e;
  }
  throw new Error('expected a rejection');
};

describe('entraAssertion', () => {
  it('identifies the user by issuer and tid:oid, never by the UPN', () => {
    const a = entraAssertion(entra, TENANT);
    expect(a.identity).toEqual({ issuer: entra['iss'], subject: `${TENANT}:${OID}` });
    expect(a.tenantId).toBe(TENANT);
    expect(a.hostedDomain).toBeNull();
  });

  it('takes the UPN from preferred_username, then upn, then email', () => {
    expect(entraAssertion(entra, TENANT).userPrincipal).toBe('ada@contoso.example');
    const { preferred_username: _p, ...noPreferred } = entra;
    expect(
      entraAssertion(
        { ...noPreferred, upn: 'ada.upn@contoso.example', email: 'mail@contoso.example' },
        TENANT,
      ).userPrincipal,
    ).toBe('ada.upn@contoso.example');
    expect(entraAssertion({ ...noPreferred, email: 'mail@contoso.example' }, TENANT).userPrincipal).toBe(
      'mail@contoso.example',
    );
  });

  it('refuses a token without any principal name', () => {
    const { preferred_username: _p, ...noPrincipal } = entra;
    expect(reason(() => entraAssertion(noPrincipal, TENANT))).toBe('claims');
  });

  it('returns the groups claim as given and no groups when the claim is absent', () => {
    expect(entraAssertion(entra, TENANT).groups).toEqual(['g-1', 'g-2']);
    const { groups: _g, ...noGroups } = entra;
    expect(entraAssertion(noGroups, TENANT).groups).toEqual([]);
  });

  it('refuses a groups overage pointer instead of reading it as no groups', () => {
    const { groups: _g, ...noGroups } = entra;
    expect(
      reason(() =>
        entraAssertion(
          {
            ...noGroups,
            _claim_names: { groups: 'src1' },
            _claim_sources: {
              src1: { endpoint: 'https://graph.microsoft.com/v1.0/users/x/getMemberObjects' },
            },
          },
          TENANT,
        ),
      ),
    ).toBe('groups-overage');
    expect(reason(() => entraAssertion({ ...noGroups, hasgroups: true }, TENANT))).toBe('groups-overage');
  });

  it('refuses a groups claim that is not a list of ids', () => {
    expect(reason(() => entraAssertion({ ...entra, groups: 'g-1' }, TENANT))).toBe('claims');
    expect(reason(() => entraAssertion({ ...entra, groups: [1, 2] }, TENANT))).toBe('claims');
  });

  it('refuses a tid other than the tenant the flow started with', () => {
    expect(reason(() => entraAssertion(entra, '11111111-2222-4333-8444-555555555555'))).toBe('tenant');
  });

  it('compares tenant and object ids case-insensitively and keeps them lower-case', () => {
    const a = entraAssertion({ ...entra, tid: TENANT.toUpperCase(), oid: OID.toUpperCase() }, TENANT);
    expect(a.identity.subject).toBe(`${TENANT}:${OID}`);
  });

  it('refuses a token missing tid or oid', () => {
    const { tid: _t, ...noTid } = entra;
    const { oid: _o, ...noOid } = entra;
    expect(reason(() => entraAssertion(noTid, TENANT))).toBe('claims');
    expect(reason(() => entraAssertion(noOid, TENANT))).toBe('claims');
  });

  it('falls back from name to given and family name, then to a neutral label rather than the address', () => {
    const { name: _n, ...noName } = entra;
    expect(
      entraAssertion({ ...noName, given_name: 'Ada', family_name: 'Lovelace' }, TENANT).displayName,
    ).toBe('Ada Lovelace');
    expect(entraAssertion(noName, TENANT).displayName).toBe('Entra ID user');
  });
});

describe('googleAssertion', () => {
  it('identifies the user by issuer and sub, with the hosted domain and the verified email', () => {
    expect(googleAssertion(google)).toEqual({
      identity: { issuer: 'https://accounts.google.com', subject: '1234567890' },
      tenantId: null,
      hostedDomain: 'fabrikam.example',
      userPrincipal: 'ada@fabrikam.example',
      groups: [],
      displayName: 'Ada Lovelace',
    });
  });

  it('has no hosted domain for a consumer account', () => {
    const { hd: _h, ...consumer } = google;
    expect(googleAssertion(consumer).hostedDomain).toBeNull();
  });

  it('refuses an email Google has not verified, or verified only as a string', () => {
    expect(reason(() => googleAssertion({ ...google, email_verified: false }))).toBe('unverified-email');
    expect(reason(() => googleAssertion({ ...google, email_verified: 'true' }))).toBe('unverified-email');
    const { email_verified: _v, ...unverified } = google;
    expect(reason(() => googleAssertion(unverified))).toBe('unverified-email');
  });

  it('refuses a token without sub or email', () => {
    const { sub: _s, ...noSub } = google;
    const { email: _e, ...noEmail } = google;
    expect(reason(() => googleAssertion(noSub))).toBe('claims');
    expect(reason(() => googleAssertion(noEmail))).toBe('claims');
  });
});
