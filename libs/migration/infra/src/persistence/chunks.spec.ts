import { chunks, IDS_PER_STATEMENT, MAX_PARAMETERS, rowsPerStatement } from './chunks';

describe('statement chunks', () => {
  it('splits into consecutive slices of at most the size, in order', () => {
    expect(chunks([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunks([], 3)).toEqual([]);
  });

  it('keeps rows times bound columns under SQL Server’s 2,100 parameters', () => {
    for (const columns of [1, 3, 8, 15])
      expect(rowsPerStatement(columns) * columns).toBeLessThanOrEqual(MAX_PARAMETERS);
    expect(MAX_PARAMETERS + 10).toBeLessThan(2100);
    expect(IDS_PER_STATEMENT + 10).toBeLessThan(2100);
  });
});
