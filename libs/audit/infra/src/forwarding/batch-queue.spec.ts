import { BatchQueue, QueueStoppedError } from './batch-queue';
import { type ForwardingSink, SinkError } from './forwarding-sink';

/** A sink that records batches and fails the attempts `failures` scripts. */
function recordingSink(failures: (SinkError | undefined)[] = []) {
  const batches: { frames: string[]; batchId: string; at: number }[] = [];
  const sink: ForwardingSink = {
    kind: 'webhook',
    maxEventBytes: 1000,
    encode: () => Buffer.alloc(0),
    deliver: async (frames, batchId) => {
      batches.push({ frames: frames.map(String), batchId, at: Date.now() });
      const failure = failures.shift();
      if (failure) throw failure;
    },
    close: async () => undefined,
  };
  return { sink, batches };
}

const fast = { baseMs: 5, maxMs: 20, maxRetryAfterMs: 5000 };
const frames = (n: number, size = 3) => Array.from({ length: n }, (_, i) => Buffer.from(String(i).padStart(size, '0')));

describe('BatchQueue', () => {
  it('cuts batches at the event limit and keeps arrival order', async () => {
    const { sink, batches } = recordingSink();
    const queue = new BatchQueue(sink, { maxEvents: 4, maxBytes: 10_000, flushMs: 50 }, fast);
    await Promise.all(frames(10).map((f) => queue.add(f)));
    expect(batches.map((b) => b.frames.length)).toEqual([4, 4, 2]);
    expect(batches.flatMap((b) => b.frames)).toEqual(frames(10).map(String));
  });

  it('cuts batches before they would exceed the byte limit (one separator byte per event)', async () => {
    const { sink, batches } = recordingSink();
    const queue = new BatchQueue(sink, { maxEvents: 100, maxBytes: 40, flushMs: 20 }, fast);
    await Promise.all(frames(12, 9).map((f) => queue.add(f)));
    expect(batches.map((b) => b.frames.length)).toEqual([4, 4, 4]);
    for (const b of batches) expect(b.frames.reduce((n, f) => n + f.length + 1, 0)).toBeLessThanOrEqual(40);
  });

  it('sends a batch that is not full once the flush interval passed', async () => {
    const { sink, batches } = recordingSink();
    const queue = new BatchQueue(sink, { maxEvents: 100, maxBytes: 10_000, flushMs: 80 }, fast);
    const started = Date.now();
    await queue.add(Buffer.from('only'));
    expect(batches).toHaveLength(1);
    expect(batches[0]!.at - started).toBeGreaterThanOrEqual(70);
  });

  it('retries a retryable failure with the same batch id, waiting the Retry-After it was given', async () => {
    const { sink, batches } = recordingSink([new SinkError('busy', true, 300)]);
    const queue = new BatchQueue(sink, { maxEvents: 2, maxBytes: 10_000, flushMs: 10 }, fast);
    await Promise.all(frames(2).map((f) => queue.add(f)));
    expect(batches).toHaveLength(2);
    expect(batches[1]!.batchId).toBe(batches[0]!.batchId);
    expect(batches[1]!.at - batches[0]!.at).toBeGreaterThanOrEqual(290);
  });

  it('rejects every event of a batch the sink refused for good, and goes on with the next batch', async () => {
    const { sink, batches } = recordingSink([new SinkError('HTTP 400', false)]);
    const queue = new BatchQueue(sink, { maxEvents: 2, maxBytes: 10_000, flushMs: 10 }, fast);
    const outcomes = await Promise.allSettled(frames(4).map((f) => queue.add(f)));
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected', 'fulfilled', 'fulfilled']);
    expect((outcomes[0] as PromiseRejectedResult).reason).toMatchObject({ retryable: false, message: 'HTTP 400' });
    expect(batches).toHaveLength(2);
  });

  it('refuses an event larger than the limits instead of cutting it', async () => {
    const { sink, batches } = recordingSink();
    const queue = new BatchQueue(sink, { maxEvents: 10, maxBytes: 64, flushMs: 10 }, fast);
    const refusal = await queue.add(Buffer.alloc(64)).catch((err: unknown) => err as SinkError);
    expect(refusal).toBeInstanceOf(SinkError);
    expect(refusal).toMatchObject({ retryable: false });
    expect((refusal as SinkError).message).toContain('64 bytes');
    expect(batches).toHaveLength(0);
  });

  it('at stop, gives up a batch whose destination is down and hands its events back', async () => {
    const down = new SinkError('ECONNREFUSED', true);
    const { sink } = recordingSink(Array.from({ length: 100 }, () => down));
    const queue = new BatchQueue(sink, { maxEvents: 1, maxBytes: 10_000, flushMs: 10 }, fast);
    const pending = queue.add(Buffer.from('x'));
    await new Promise((r) => setTimeout(r, 50));
    await queue.stop(20);
    await expect(pending).rejects.toBeInstanceOf(QueueStoppedError);
    await expect(queue.add(Buffer.from('y'))).rejects.toBeInstanceOf(QueueStoppedError);
  });
});
