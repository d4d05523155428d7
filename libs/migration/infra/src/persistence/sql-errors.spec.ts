import { isForeignKeyViolation, isUniqueViolation } from './sql-errors';

describe('SQL error classes', () => {
  it('knows unique violations of PostgreSQL and SQL Server', () => {
    expect(isUniqueViolation({ driverError: { code: '23505' } })).toBe(true);
    expect(isUniqueViolation({ driverError: { number: 2627 } })).toBe(true);
    expect(isUniqueViolation({ driverError: { number: 2601 } })).toBe(true);
    expect(isUniqueViolation({ driverError: { code: '23503' } })).toBe(false);
    expect(isUniqueViolation(new Error('duplicate key value violates unique constraint'))).toBe(false);
    expect(isUniqueViolation(null)).toBe(false);
  });

  it('knows foreign key violations of PostgreSQL and SQL Server', () => {
    expect(isForeignKeyViolation({ driverError: { code: '23503' } })).toBe(true);
    expect(isForeignKeyViolation({ driverError: { number: 547 } })).toBe(true);
    expect(isForeignKeyViolation({ driverError: { code: '23505' } })).toBe(false);
  });
});
