import type { MailSource, MailTarget } from '@ferry/migration/application';
import type { MemoryMailSystem } from '@ferry/migration/testing';
import { eventually, WorkerEngineHarness } from '../testing/worker-engine.fixture';

jest.setTimeout(90_000);

const QUEUE = { maxDeliveries: 4, ackWaitMs: 5000, maxAckPending: 64 };
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What the worker did, in order: a planning page read (`plan <page>`) or a write begun (`write <mailbox>`). */
type Event = string;

/** The memory source, logging each planning page it is asked for. */
function loggingSource(memory: MemoryMailSystem, events: Event[]): MailSource {
  return {
    listFolders: (m) => memory.listFolders(m),
    currentCursor: () => memory.currentCursor(),
    enumerate: (m, token) => {
      events.push(`plan ${token ?? 0}`);
      return memory.enumerate(m, token);
    },
    changes: (m, cursor, token) => memory.changes(m, cursor, token),
    summaries: (m, ids) => memory.summaries(m, ids),
    openMime: (m, id) => memory.openMime(m, id),
  };
}

/** The memory target with slow writes (so batches overlap), logging each write and the most of one mailbox's writes in flight. */
function slowTarget(memory: MemoryMailSystem, events: Event[], inFlight: Map<string, number>, observe: (address: string) => void): MailTarget {
  return {
    prepare: () => memory.prepare(),
    find: (m, key) => memory.find(m, key),
    update: (m, u) => memory.update(m, u),
    remove: (m, id) => memory.remove(m, id),
    write: async (m, message, signal) => {
      events.push(`write ${m.address}`);
      inFlight.set(m.address, (inFlight.get(m.address) ?? 0) + 1);
      observe(m.address);
      try {
        await pause(60);
        return await memory.write(m, message, signal);
      } finally {
        inFlight.set(m.address, (inFlight.get(m.address) ?? 1) - 1);
      }
    },
  };
}

describe('work scheduling: planning steps first', () => {
  // One item per batch, six per planning page: a page publishes six batches, then the next step.
  const h = new WorkerEngineHarness('planfirst', QUEUE, { batchItems: 1, batchBytes: 1 << 20, itemConcurrency: 1 });
  beforeAll(() => h.setup());
  afterAll(() => h.teardown());

  it('handles a mailbox\'s next planning step before the copy batches published ahead of it', async () => {
    h.source.pageSize = 6;
    const events: Event[] = [];
    await h.startWorker({
      source: loggingSource(h.source, events),
      target: slowTarget(h.target, events, new Map(), () => undefined),
      scheduling: { concurrency: 1 },
    });
    const { pass, mappings } = await h.startPass(1, 12);
    await eventually(() => h.finished(pass.id));
    expect(h.target.messages(mappings[0]?.targetAddress ?? '')).toHaveLength(12);
    // The second page's step was queued behind the first page's six batches; served first, it runs
    // while the first batch (or the second) is being written.
    const secondPage = events.indexOf('plan 6');
    expect(secondPage).toBeGreaterThan(0);
    expect(events.slice(0, secondPage).filter((e) => e.startsWith('write'))).not.toHaveLength(6);
    expect(events.slice(0, secondPage).filter((e) => e.startsWith('write')).length).toBeLessThanOrEqual(2);
  });
});

describe('work scheduling: slots spread across mailboxes', () => {
  // Two items per batch, one write at a time per batch: a mailbox's writes in flight count its batches.
  const h = new WorkerEngineHarness('spread', QUEUE, { batchItems: 2, batchBytes: 1 << 20, itemConcurrency: 1 });
  beforeAll(() => h.setup());
  afterAll(() => h.teardown());

  it('runs at most the cap of one mailbox\'s batches while other mailboxes\' batches wait', async () => {
    h.source.pageSize = 100;
    const events: Event[] = [];
    const inFlight = new Map<string, number>();
    let worstWhileOthersWait = 0;
    let widest = 0;
    let addresses: string[] = [];
    const remaining = new Map<string, number>();
    const observe = (address: string) => {
      remaining.set(address, (remaining.get(address) ?? 8) - 1);
      // Every mailbox still has writes to come: a mailbox over the cap would hold a slot another's batch waits for.
      const othersWait = addresses.every((a) => a === address || (remaining.get(a) ?? 8) > 2);
      if (othersWait) worstWhileOthersWait = Math.max(worstWhileOthersWait, inFlight.get(address) ?? 0);
      widest = Math.max(widest, [...inFlight.values()].filter((n) => n > 0).length);
    };
    await h.startWorker({ target: slowTarget(h.target, events, inFlight, observe), scheduling: { concurrency: 3, mailboxBatches: 1 } });
    const { pass, mappings } = await h.startPass(3, 8);
    addresses = mappings.map((m) => m.targetAddress);
    await eventually(() => h.finished(pass.id));
    for (const m of mappings) expect(h.target.messages(m.targetAddress)).toHaveLength(8);
    // Three slots, three mailboxes, a cap of one batch each: never two of one mailbox, and all three at once.
    expect(worstWhileOthersWait).toBe(1);
    expect(widest).toBe(3);
  });
});
