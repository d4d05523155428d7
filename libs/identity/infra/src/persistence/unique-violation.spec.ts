import { violatedUniqueConstraint } from './unique-violation';

describe('violatedUniqueConstraint', () => {
  it('names the constraint of a PostgreSQL unique violation', () => {
    expect(
      violatedUniqueConstraint({ driverError: { code: '23505', constraint: 'ux_accounts_login_name' } }),
    ).toBe('ux_accounts_login_name');
  });

  it('names the index of a SQL Server duplicate key, without the duplicate value', () => {
    const message =
      "Cannot insert duplicate key row in object 'identity.accounts' with unique index 'ux_accounts_login_name'. The duplicate key value is (alice).";
    expect(violatedUniqueConstraint({ driverError: { number: 2601, message } })).toBe(
      'ux_accounts_login_name',
    );
    expect(
      violatedUniqueConstraint({
        driverError: {
          number: 2627,
          message: "Violation of PRIMARY KEY constraint 'PK_x'. Cannot insert duplicate key",
        },
      }),
    ).toBe('PK_x');
  });

  it('returns null for any other error', () => {
    expect(
      violatedUniqueConstraint({ driverError: { code: '23503', constraint: 'fk_accounts_org' } }),
    ).toBeNull();
    expect(violatedUniqueConstraint(new Error('connection lost'))).toBeNull();
  });
});
