import { HashingBusyError } from '@ferry/identity/application';
import { FairHashingGate } from './fair-hashing-gate';

/** A task the test finishes by hand, recording when it started. */
function heldTask(name: string, started: string[]) {
  let finish: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (finish = resolve));
  return {
    run: async () => {
      started.push(name);
      await done;
      return name;
    },
    finish: () => finish(),
  };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

async function refusalOf(p: Promise<unknown>): Promise<HashingBusyError> {
  const err = await p.then(
    () => new Error('expected a refusal'),
    (e: unknown) => e,
  );
  if (!(err instanceof HashingBusyError)) throw err;
  return err;
}

describe('FairHashingGate', () => {
  it('never runs more tasks at once than its concurrency, and runs them all', async () => {
    const gate = new FairHashingGate({ concurrency: 2, maxWaitingPerKey: 10 });
    let running = 0;
    let peak = 0;
    const task = async (i: number) => {
      running += 1;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setTimeout(resolve, 5));
      running -= 1;
      return i;
    };
    const results = await Promise.all(Array.from({ length: 7 }, (_, i) => gate.run('k', () => task(i))));
    expect(peak).toBe(2);
    expect(results).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('serves the keys in turn: a key with two waiting lets the next key go between them', async () => {
    const gate = new FairHashingGate({ concurrency: 1 });
    const started: string[] = [];
    const blocker = heldTask('blocker', started);
    // Arrival order: a1, a2, b1, c1, b2 (key = the name's letter).
    const tasks = ['a1', 'a2', 'b1', 'c1', 'b2'].map((name) => ({
      key: name[0] ?? '',
      ...heldTask(name, started),
    }));
    const runs = [gate.run('x', blocker.run), ...tasks.map((t) => gate.run(t.key, t.run))];
    await settle();
    expect(started).toEqual(['blocker']);
    blocker.finish();
    for (const t of tasks) {
      await settle();
      t.finish();
    }
    await Promise.all(runs);
    expect(started).toEqual(['blocker', 'a1', 'b1', 'c1', 'a2', 'b2']);
  });

  it('gives a freed lane to a newly arrived key before the flooding key waiting ahead of it', async () => {
    const gate = new FairHashingGate({ concurrency: 2 });
    const started: string[] = [];
    const flood = ['f1', 'f2', 'f3', 'f4'].map((name) => heldTask(name, started));
    const floodRuns = flood.map((t) => gate.run('203.0.113.66', t.run));
    const legit = heldTask('legit', started);
    const legitRun = gate.run('198.51.100.7', legit.run);
    await settle();
    expect(started).toEqual(['f1', 'f2']);
    flood[0]?.finish();
    await settle();
    expect(started).toEqual(['f1', 'f2', 'f3']);
    // The flooding key has had its turn (f3): the next freed lane is legit's, not f4's.
    flood[1]?.finish();
    await settle();
    expect(started).toEqual(['f1', 'f2', 'f3', 'legit']);
    legit.finish();
    await expect(legitRun).resolves.toBe('legit');
    for (const t of flood) t.finish();
    await Promise.all(floodRuns);
  });

  it('refuses a key its third waiting task at once, without running it, while other keys still queue', async () => {
    const gate = new FairHashingGate({ concurrency: 1 });
    const source = '203.0.113.66';
    const started: string[] = [];
    const blocker = heldTask('blocker', started);
    const run = gate.run(source, blocker.run);
    const queued = [gate.run(source, async () => 'a1'), gate.run(source, async () => 'a2')];
    let ran = false;
    const refused = await refusalOf(
      gate.run(source, async () => {
        ran = true;
        return 'a3';
      }),
    );
    expect(refused.reason).toBe('key-queue-full');
    expect(refused.message).not.toContain(source);
    const other = gate.run('198.51.100.7', async () => 'b1');
    expect(gate.waiting).toBe(3);
    blocker.finish();
    await expect(Promise.all([run, ...queued, other])).resolves.toEqual(['blocker', 'a1', 'a2', 'b1']);
    expect(ran).toBe(false);
  });

  it('refuses at once when the total of waiting tasks is reached, whatever the key', async () => {
    const gate = new FairHashingGate({ concurrency: 1, maxWaitingPerKey: 2, maxWaiting: 3 });
    const started: string[] = [];
    const blocker = heldTask('blocker', started);
    const runs = [
      gate.run('x', blocker.run),
      gate.run('a', async () => 'a1'),
      gate.run('a', async () => 'a2'),
      gate.run('b', async () => 'b1'),
    ];
    expect((await refusalOf(gate.run('c', async () => 'c1'))).reason).toBe('queue-full');
    expect(gate.waiting).toBe(3);
    blocker.finish();
    await expect(Promise.all(runs)).resolves.toEqual(['blocker', 'a1', 'a2', 'b1']);
  });

  it('drops a task that cannot start before its deadline, without running it, and frees its place', async () => {
    const gate = new FairHashingGate({ concurrency: 1, maxWaitingPerKey: 1, waitDeadlineMs: 30 });
    const started: string[] = [];
    const blocker = heldTask('blocker', started);
    const run = gate.run('a', blocker.run);
    const late = heldTask('late', started);
    const t0 = performance.now();
    const dropped = await refusalOf(gate.run('a', late.run));
    expect(dropped.reason).toBe('deadline');
    expect(performance.now() - t0).toBeGreaterThanOrEqual(25);
    expect(gate.waiting).toBe(0);
    // Its place in the key's queue is free again.
    const next = gate.run('a', async () => 'next');
    blocker.finish();
    await expect(Promise.all([run, next])).resolves.toEqual(['blocker', 'next']);
    expect(started).toEqual(['blocker']);
  });

  it('frees the lane of a task that failed', async () => {
    const gate = new FairHashingGate({ concurrency: 1 });
    await expect(gate.run('a', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(gate.run('a', async () => 'next')).resolves.toBe('next');
  });

  it('holds no lane or place after refusals, deadlines and failures: every lane is free again', async () => {
    const gate = new FairHashingGate({
      concurrency: 2,
      maxWaitingPerKey: 1,
      maxWaiting: 2,
      waitDeadlineMs: 20,
    });
    const started: string[] = [];
    const held = [heldTask('h1', started), heldTask('h2', started)];
    const running = held.map((t) => gate.run('a', t.run));
    const outcomes = await Promise.allSettled([
      gate.run('a', async () => 'a'), // waits, then dropped at its deadline
      gate.run('a', async () => 'refused per key'),
      gate.run('b', () => Promise.reject(new Error('boom'))), // waits, then dropped too
      gate.run('c', async () => 'refused in total'),
    ]);
    expect(
      outcomes.map((o) => (o.status === 'rejected' ? (o.reason as HashingBusyError).reason : o.value)),
    ).toEqual(['deadline', 'key-queue-full', 'deadline', 'queue-full']);
    for (const t of held) t.finish();
    await Promise.all(running);
    await expect(gate.run('b', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect({ running: gate.running, waiting: gate.waiting }).toEqual({ running: 0, waiting: 0 });
    // Both lanes start at once again.
    const again = [heldTask('x1', started), heldTask('x2', started)];
    const runs = again.map((t) => gate.run('z', t.run));
    await settle();
    expect(started.slice(-2)).toEqual(['x1', 'x2']);
    expect(gate.running).toBe(2);
    for (const t of again) t.finish();
    await Promise.all(runs);
  });

  it('refuses bounds that are not integers or below their minimum', () => {
    expect(() => new FairHashingGate({ concurrency: 0 })).toThrow(
      /concurrency must be an integer of at least 1/,
    );
    expect(() => new FairHashingGate({ maxWaitingPerKey: -1 })).toThrow(/maxWaitingPerKey/);
    expect(() => new FairHashingGate({ maxWaiting: 1.5 })).toThrow(/maxWaiting/);
    expect(() => new FairHashingGate({ waitDeadlineMs: 0 })).toThrow(/waitDeadlineMs/);
  });
});
