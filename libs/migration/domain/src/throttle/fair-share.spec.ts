import { maxMinShares } from './fair-share';

describe('max-min fair shares', () => {
  const split = (capacity: number, demands: Record<string, number>, round = 0) =>
    Object.fromEntries(maxMinShares(capacity, new Map(Object.entries(demands)), round));

  it('gives everyone what it asks when there is enough', () => {
    expect(split(4, { a: 1, b: 2 })).toEqual({ a: 1, b: 2 });
  });

  it('splits evenly and passes on what a small demand leaves', () => {
    expect(split(4, { a: 4, b: 4 })).toEqual({ a: 2, b: 2 });
    const shares = split(10, { a: 1, b: 8, c: 8 });
    expect(shares['a']).toBe(1);
    expect((shares['b'] ?? 0) + (shares['c'] ?? 0)).toBe(9);
    expect(Math.abs((shares['b'] ?? 0) - (shares['c'] ?? 0))).toBe(1);
  });

  it('never hands out more than the capacity nor more than a demand', () => {
    for (let trial = 0; trial < 200; trial++) {
      const demands: Record<string, number> = {};
      for (let i = 0; i < 1 + (trial % 6); i++) demands[`w${i}`] = (trial * 7 + i * 3) % 6;
      const capacity = trial % 5;
      const shares = split(capacity, demands, trial);
      const total = Object.values(shares).reduce((a, b) => a + b, 0);
      expect(total).toBe(Math.min(capacity, Object.values(demands).reduce((a, b) => a + b, 0)));
      for (const [id, s] of Object.entries(shares)) expect(s).toBeLessThanOrEqual(demands[id] ?? 0);
    }
  });

  it('moves the odd slot between workers from round to round, and agrees within a round', () => {
    const winners = new Set<string>();
    for (let round = 0; round < 20; round++) {
      const shares = split(1, { a: 1, b: 1 }, round);
      expect(split(1, { b: 1, a: 1 }, round)).toEqual(shares);
      winners.add(Object.entries(shares).find(([, s]) => s === 1)?.[0] ?? '');
    }
    expect([...winners].sort()).toEqual(['a', 'b']);
  });
});
