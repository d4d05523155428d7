import type { ThrottleScope } from '@ferry/migration/application';
import { bucketShape } from '@ferry/migration/domain';
import { MemoryScopeLedgerStore } from './memory-scope-ledger.store';
import { SharedThrottleGovernor } from './shared-throttle.governor';
import { ThrottleLoad } from './testing/throttle-load';

const mailbox: ThrottleScope = { vendor: 'graph', tenantKey: 'connector-1', mailboxKey: 'pseudo-1' };
// 100 kB per 10 s with a 10% burst (10 kB): a 30 kB upload is larger than the burst, so it waits for
// a full bucket and takes it into debt. A long sync interval makes the wake-up jitter up to 500 ms.
const upload = { bytes: 100_000, perSeconds: 10 };
const tuning = { burstFraction: 0.1, minSyncIntervalMs: 1000, minLeaseHoldMs: 0, holdFraction: 0.02 };
const holdMs = upload.perSeconds * 1000 * tuning.holdFraction;
const shape = bucketShape(upload.bytes, upload.perSeconds, tuning.burstFraction, holdMs);

describe('a request larger than the burst', () => {
  let governor: SharedThrottleGovernor | undefined;

  beforeEach(() => {
    jest.useFakeTimers({ now: 1_700_000_000_000 });
    // The largest jitter: a wake-up it delays past the moment the bucket is full loses that refill.
    jest.spyOn(Math, 'random').mockReturnValue(0.99);
  });

  afterEach(async () => {
    await governor?.close();
    jest.restoreAllMocks();
    jest.useRealTimers();
  });

  it('is admitted when the shared bucket is full, not a jitter later', async () => {
    governor = new SharedThrottleGovernor(new MemoryScopeLedgerStore(), { budgets: { 'graph.mailbox': { uploadBytes: upload }, 'graph.tenant': {} }, tuning });
    const signal = new AbortController().signal;
    (await governor.acquire(mailbox, { uploadBytes: shape.capacity }, signal)).release({ kind: 'ok' });
    const emptied = Date.now();
    let admittedAt = 0;
    const large = governor.acquire(mailbox, { uploadBytes: 3 * shape.capacity }, signal).then((p) => {
      admittedAt = Date.now();
      return p;
    });
    await jest.advanceTimersByTimeAsync(5000);
    (await large).release({ kind: 'ok' });
    const fullAt = emptied + Math.ceil(shape.capacity / shape.refillPerMs);
    expect(admittedAt).toBeGreaterThanOrEqual(fullAt);
    expect(admittedAt).toBeLessThanOrEqual(fullAt + 2);
  });

  it('uses the whole refill when every request is larger than the burst', async () => {
    governor = new SharedThrottleGovernor(new MemoryScopeLedgerStore(), { budgets: { 'graph.mailbox': { uploadBytes: upload }, 'graph.tenant': {} }, tuning });
    const size = 3 * shape.capacity;
    const load = new ThrottleLoad();
    load.start(0, governor, mailbox, { parallel: 2, holdMs: 50, cost: { uploadBytes: size } });
    const minutes = 2;
    await jest.advanceTimersByTimeAsync(minutes * 60_000);
    const stopped = load.stop();
    await jest.advanceTimersByTimeAsync(1000);
    await stopped;
    // The first request spends the full bucket and each next one waits for a full bucket: the burst,
    // then one request per `size` refilled.
    const refilled = shape.capacity + shape.refillPerMs * minutes * 60_000;
    expect(load.admissions.length).toBeGreaterThanOrEqual(Math.floor(refilled / size));
    expect(load.admissions.length).toBeLessThanOrEqual(Math.ceil(refilled / size) + 1);
  });
});
