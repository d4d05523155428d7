import { AuditAppendRejectedError } from './audit.ports';
import { auditEventFixture } from './testing/audit-event.fixture';
import { memoryAuditChain } from './testing/audit-use-cases.fixture';

const ORG_A = '0b6f4c3e-3d2a-4c1b-9f8e-7a6b5c4d3e2f';
const ORG_B = '1c7f4c3e-3d2a-4c1b-9f8e-7a6b5c4d3e2f';

describe('the append batcher', () => {
  it('writes events handed in while a batch is in flight together, at most maxBatch at a time', async () => {
    const { store, batcher } = memoryAuditChain({ maxBatch: 20 });
    const outcomes = await Promise.all(Array.from({ length: 50 }, (_, i) => batcher.submit(auditEventFixture(i + 1, i % 2 ? ORG_A : ORG_B))));
    // The first event goes at once; the rest queued behind it and went in full batches.
    expect(store.batches).toEqual([1, 20, 20, 9]);
    expect(outcomes.filter((o) => !o.duplicate)).toHaveLength(50);
    expect(store.rows.filter((r) => r.orgId === ORG_A).map((r) => r.sequence)).toEqual(Array.from({ length: 25 }, (_, i) => BigInt(i + 1)));
  });

  it('resolves repeats inside one batch to the first copy’s position', async () => {
    const { batcher } = memoryAuditChain();
    const e = auditEventFixture(1, ORG_A);
    const [a, b, c] = await Promise.all([batcher.submit(auditEventFixture(9, ORG_A)), batcher.submit(e), batcher.submit(e)]);
    expect([a, b, c]).toEqual([
      { sequence: 1n, duplicate: false },
      { sequence: 2n, duplicate: false },
      { sequence: 2n, duplicate: true },
    ]);
  });

  it('rejects every event of a batch the store could not write, and nothing is stored', async () => {
    const { store, batcher } = memoryAuditChain();
    store.failNext = [new Error('connection lost')];
    const results = await Promise.allSettled([1, 2].map((n) => batcher.submit(auditEventFixture(n, ORG_A))));
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled']);
    await expect(batcher.submit(auditEventFixture(1, ORG_A))).resolves.toEqual({ sequence: 2n, duplicate: false });
  });

  it('appends a batch refused for its content in halves, so only the offending event fails', async () => {
    const { store, batcher } = memoryAuditChain({ maxBatch: 8 });
    await batcher.submit(auditEventFixture(100, ORG_A));
    // The next batch of 4 is refused, then its first half passes, its second half is refused, and
    // of that half the first passes and the second (the bad one) is refused alone.
    const refused = () => new AuditAppendRejectedError('value too long');
    store.failNext = [refused()];
    const pending = [1, 2, 3, 4].map((n) => batcher.submit(auditEventFixture(n, ORG_A)));
    store.failNext.push(...[undefined, refused(), undefined, refused()].map((e) => e as unknown as Error));
    const results = await Promise.allSettled(pending);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'rejected']);
    expect(store.batches).toEqual([1, 4, 2, 2, 1, 1]);
  });

  it('witnesses every new head and checkpoints every checkpointEvery records', async () => {
    const { store, witness, batcher, checkpointer } = memoryAuditChain({ maxBatch: 3, checkpointEvery: 5 });
    for (let i = 1; i <= 12; i += 1) await batcher.submit(auditEventFixture(i, ORG_A));
    await checkpointer.witnessed();
    expect(witness.heads.get(ORG_A)?.sequence).toBe(12n);
    expect(store.saved.map((c) => c.sequence)).toEqual([5n, 10n]);
  });
});
