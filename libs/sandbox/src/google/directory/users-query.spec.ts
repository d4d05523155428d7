import type { GoogleUser } from '../../state/directory';
import { compileUserQuery, UserQueryError } from './users-query';

const user = (primaryEmail: string, givenName: string, familyName: string, isAdmin = false): GoogleUser => ({
  id: primaryEmail.length.toString(),
  primaryEmail,
  givenName,
  familyName,
  isAdmin,
  suspended: false,
  orgUnitPath: '/',
  password: 'x',
});

describe('compileUserQuery', () => {
  const ada = user('ada.lovelace1@fabrikam.example', 'Ada', 'Lovelace');
  const admin = user('admin@fabrikam.example', 'IT', 'Admin', true);

  it('matches email exactly and by prefix with a trailing star', () => {
    expect(compileUserQuery('email:ada.lovelace1@fabrikam.example')(ada)).toBe(true);
    expect(compileUserQuery('email:ada.lovelace1')(ada)).toBe(false);
    expect(compileUserQuery('email:ada*')(ada)).toBe(true);
    expect(compileUserQuery('email:ada*')(admin)).toBe(false);
  });

  it('ANDs terms and reads quoted values and booleans', () => {
    expect(compileUserQuery("givenName:'Ada' familyName:Love*")(ada)).toBe(true);
    expect(compileUserQuery('givenName:Ada isAdmin=true')(ada)).toBe(false);
    expect(compileUserQuery('isAdmin=true')(admin)).toBe(true);
  });

  it('treats bare text as a prefix of the email or a name', () => {
    expect(compileUserQuery('love')(ada)).toBe(true);
    expect(compileUserQuery('zzz')(ada)).toBe(false);
  });

  it('refuses unknown fields and unbalanced quotes', () => {
    expect(() => compileUserQuery('shoeSize:42')).toThrow(UserQueryError);
    expect(() => compileUserQuery("givenName:'Ada")).toThrow(UserQueryError);
  });
});
