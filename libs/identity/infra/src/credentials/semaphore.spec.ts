import { Semaphore } from './semaphore';

describe('Semaphore', () => {
  it('never runs more tasks at once than its limit, and runs them all', async () => {
    const gate = new Semaphore(2);
    let running = 0;
    let peak = 0;
    const task = async (i: number) => {
      running += 1;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setTimeout(resolve, 5));
      running -= 1;
      return i;
    };
    const results = await Promise.all(Array.from({ length: 7 }, (_, i) => gate.run(() => task(i))));
    expect(peak).toBe(2);
    expect(results).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('frees the slot of a task that failed', async () => {
    const gate = new Semaphore(1);
    await expect(gate.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(gate.run(async () => 'next')).resolves.toBe('next');
  });
});
