import { DeadlineExceeded, withDeadline } from './deadline';

describe('withDeadline', () => {
  it('passes a result that arrives in time through', async () => {
    await expect(withDeadline(Promise.resolve('answer'), 1_000)).resolves.toBe('answer');
  });

  it('rejects with DeadlineExceeded when the work takes longer', async () => {
    const never = new Promise<never>(() => undefined);
    await expect(withDeadline(never, 20)).rejects.toEqual(new DeadlineExceeded(20));
  });
});
