import { tuneWorkerHeap } from './worker-heap';

describe('worker heap tuning', () => {
  it('refuses a growth that is not a whole percent from 0 to 1000', () => {
    for (const bad of [-1, 1001, 12.5, Number.NaN]) expect(() => tuneWorkerHeap(bad)).toThrow(RangeError);
  });

  it('leaves V8 as it is for 0', () => {
    expect(() => tuneWorkerHeap(0)).not.toThrow();
  });
});
