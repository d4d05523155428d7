import { demandPerMs, leaseBatch, leaseWant, NO_DEMAND, observeDemand } from './lease-sizing';

describe('lease sizing', () => {
  it('estimates a steady demand as its rate and forgets it when it stops', () => {
    let estimate = NO_DEMAND;
    for (let t = 0; t <= 10_000; t += 10) estimate = observeDemand(estimate, 1, t, 1000);
    expect(demandPerMs(estimate, 10_000, 1000)).toBeCloseTo(0.1, 2);
    expect(demandPerMs(estimate, 11_000, 1000)).toBeCloseTo(0.05, 2);
    expect(demandPerMs(estimate, 30_000, 1000)).toBeLessThan(0.0001);
  });

  it('leases what the demand spends within the hold, at least the need and at most the capacity', () => {
    expect(leaseWant(1, 0.1, 250, 500)).toBe(25);
    expect(leaseWant(1, 0, 250, 500)).toBe(1);
    expect(leaseWant(1, 10, 250, 500)).toBe(500);
    expect(leaseWant(800, 10, 250, 500)).toBe(800);
  });

  it('waits for a sync interval of refill, at least the need and at most half the capacity', () => {
    expect(leaseBatch(1, 0.02, 250, 100)).toBe(5);
    expect(leaseBatch(1, 0.001, 250, 100)).toBe(1);
    expect(leaseBatch(1, 1, 250, 100)).toBe(50);
    expect(leaseBatch(80, 1, 250, 100)).toBe(80);
  });
});
