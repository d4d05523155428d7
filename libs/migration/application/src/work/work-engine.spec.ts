import { DEFAULT_STATE } from '@ferry/migration/domain';
import { MemoryMailSystem, MemoryRunStore, MemoryWorkPublisher, type QueuedWork, testMailbox } from '@ferry/migration/testing';
import type { MailTarget } from '../ports/mail.ports';
import type { MappingWork } from '../ports/run.ports';
import { CopyBatchUseCase } from './copy-batch.usecase';
import { PlanMailboxUseCase } from './plan-mailbox.usecase';
import { type CopyBatch, NO_TOTALS, type WorkLimits } from './work.types';

const ORG = '00000000-0000-4000-8000-000000000001';
const LIMITS: WorkLimits = { batchItems: 2, batchBytes: 1 << 20, itemConcurrency: 2 };

function setup(overrides: Partial<MappingWork> = {}, options: { limits?: WorkLimits; target?: (memory: MemoryMailSystem) => MailTarget } = {}) {
  const source = new MemoryMailSystem();
  const target = new MemoryMailSystem();
  const store = new MemoryRunStore();
  const publisher = new MemoryWorkPublisher();
  const writer = options.target?.(target) ?? target;
  const adapters = { source: () => source, target: () => writer };
  const limits = options.limits ?? LIMITS;
  const work: MappingWork = {
    orgId: ORG,
    projectId: 'p1',
    passId: 'pass1',
    mappingId: 'm1',
    passKind: 'full',
    passStatus: 'running',
    source: testMailbox('google', 'ana@source.example'),
    target: testMailbox('microsoft', 'ana@target.example'),
    deletionPolicy: 'keep',
    extraLabels: 'categories',
    cursor: null,
    ...overrides,
  };
  store.addWork(work);
  const plan = new PlanMailboxUseCase(store, store, adapters, publisher, limits);
  const copy = new CopyBatchUseCase(store, store, adapters, limits);
  const address = { orgId: ORG, projectId: work.projectId, passId: work.passId, mappingId: work.mappingId };
  /** Delivers queued items like the queue would: a failed item comes back with its delivery count raised. */
  async function drain(maxDeliveries = 5): Promise<void> {
    const attempts = new Map<string, number>();
    while (publisher.queue.length > 0) {
      const item = publisher.queue.shift() as QueuedWork;
      const count = (attempts.get(item.id) ?? 0) + 1;
      attempts.set(item.id, count);
      const delivery = { count, last: count >= maxDeliveries, signal: new AbortController().signal };
      try {
        if (item.kind === 'plan') await plan.execute(item.address, item.step, delivery);
        else await copy.execute(item.address, item.batch, delivery);
      } catch {
        publisher.queue.push(item); // not acked: redelivered
      }
    }
  }
  const startPass = (passId = work.passId) =>
    plan.execute({ ...address, passId }, { step: 0, phase: 'enumerate', pageToken: '', nextCursor: '', totals: NO_TOTALS, replayed: false, sweepAfter: '' }, { count: 1, last: false, signal: new AbortController().signal });
  return { source, target, store, publisher, work, address, drain, startPass, copy };
}

/**
 * A target whose worker "dies" at the `after`-th write and later ones: the copy lands (when `lands`)
 * and the call never settles, as when the process is killed mid-batch.
 */
function killedAt(after: number, lands = true) {
  const state = { writes: 0, killed: true };
  const wrap = (memory: MemoryMailSystem): MailTarget => ({
    prepare: () => memory.prepare(),
    find: (mailbox, key) => memory.find(mailbox, key),
    update: (mailbox, update) => memory.update(mailbox, update),
    remove: (mailbox, id) => memory.remove(mailbox, id),
    write: async (mailbox, message, signal) => {
      state.writes++;
      if (!state.killed || state.writes < after) return memory.write(mailbox, message, signal);
      if (lands) await memory.write(mailbox, message, signal);
      return new Promise<never>(() => undefined);
    },
  });
  return { state, wrap };
}

const settle = () => new Promise((r) => setTimeout(r, 20));

describe('migration work engine', () => {
  it('copies every message of a mailbox once and records counts that add up', async () => {
    const t = setup();
    for (let i = 0; i < 7; i++) t.source.add('ana@source.example', { folderIds: ['inbox'] });
    await t.startPass();
    await t.drain();
    expect(t.target.messages('ana@target.example')).toHaveLength(7);
    const counts = t.store.counts('pass1', 'm1');
    expect(counts).toMatchObject({ found: 7, migrated: 7, failed: 0, skipped: 0 });
    expect(t.store.passFinished).toBe(true);
    expect(t.store.references.size).toBe(7);
    // First deliveries tell the target no earlier copy can exist (Gmail then skips its search).
    expect(t.target.writesMayExist).toEqual(Array(7).fill(false));
  });

  it('leaves exactly one copy when the worker dies after the upload and before the reference is written', async () => {
    const t = setup();
    for (let i = 0; i < 4; i++) t.source.add('ana@source.example', { folderIds: ['inbox'] });
    t.target.failNext('write', { after: true }); // the upload lands, then the process "dies"
    await t.startPass();
    await t.drain();
    expect(t.target.messages('ana@target.example')).toHaveLength(4);
    expect(t.target.calls.find).toBeGreaterThan(0); // the redelivery looked for the earlier copy
    expect(t.store.counts('pass1', 'm1')).toMatchObject({ found: 4, migrated: 4, failed: 0 });
    // Progress counts the source's bytes, the adopted copy's too, so done bytes reach found bytes.
    const sourceBytes = t.source.messages('ana@source.example').reduce((sum, m) => sum + m.mime.length, 0);
    expect(t.store.counts('pass1', 'm1').bytes).toBe(sourceBytes);
  });

  it('does not duplicate when a planning step is replayed', async () => {
    const t = setup();
    for (let i = 0; i < 5; i++) t.source.add('ana@source.example', { folderIds: ['inbox'] });
    await t.startPass();
    // the first step is delivered again (e.g. its ack was lost): same ids, dropped by the queue
    await t.startPass();
    await t.drain();
    expect(t.publisher.duplicates).toBeGreaterThan(0);
    expect(t.target.messages('ana@target.example')).toHaveLength(5);
    expect(t.store.counts('pass1', 'm1')).toMatchObject({ found: 5, migrated: 5 });
  });

  it('records an item the target refuses with its reason and goes on', async () => {
    const { ItemRejectedError } = await import('../ports/mail.ports');
    const t = setup();
    for (let i = 0; i < 3; i++) t.source.add('ana@source.example', { folderIds: ['inbox'] });
    t.target.failNext('write', { error: () => new ItemRejectedError('too-large', 'over the target limit') });
    await t.startPass();
    await t.drain();
    const counts = t.store.counts('pass1', 'm1');
    expect(counts).toMatchObject({ found: 3, migrated: 2, failed: 1 });
    expect(counts.found).toBe(counts.migrated + counts.skipped + counts.failed);
    expect(t.store.run('pass1', 'm1').failures[0]).toMatchObject({ reason: 'too-large' });
  });

  it('gives up on an item that keeps failing transiently only at the last delivery, as a counted failure', async () => {
    const t = setup();
    t.source.add('ana@source.example', { folderIds: ['inbox'] });
    for (let i = 0; i < 3; i++) t.target.failNext('write');
    await t.startPass();
    await t.drain(3);
    expect(t.store.counts('pass1', 'm1')).toMatchObject({ found: 1, migrated: 0, failed: 1 });
    expect(t.store.run('pass1', 'm1').failures[0]).toMatchObject({ reason: 'transient-exhausted' });
    // Redeliveries tell the target an earlier attempt may have written the item.
    expect(t.target.writesMayExist).toEqual([false, true, true]);
  });

  it('a delta pass copies new items, re-applies changed state and mirrors deletions, in proportion to the changes', async () => {
    const t = setup({ deletionPolicy: 'mirror' });
    const ids = Array.from({ length: 10 }, () => t.source.add('ana@source.example', { folderIds: ['inbox'] }).id);
    await t.startPass();
    await t.drain();
    expect(t.target.messages('ana@target.example')).toHaveLength(10);
    // changes at the source
    t.source.change('ana@source.example', ids[0] as string, { state: { ...DEFAULT_STATE, read: true } });
    t.source.delete('ana@source.example', ids[1] as string);
    t.source.add('ana@source.example', { folderIds: ['inbox'] });
    t.store.addWork({ ...t.work, passId: 'pass2', passKind: 'delta', deletionPolicy: 'mirror' });
    const writesBefore = t.target.calls.write;
    const enumerations = t.source.calls.enumerate;
    await t.startPass('pass2');
    await t.drain();
    expect(t.source.calls.enumerate).toBe(enumerations); // the change feed, not an enumeration
    expect(t.target.calls.write - writesBefore).toBe(1);
    expect(t.target.calls.update).toBe(1);
    expect(t.target.calls.remove).toBe(1);
    expect(t.target.messages('ana@target.example')).toHaveLength(10);
    expect(t.store.counts('pass2', 'm1')).toMatchObject({ found: 3, migrated: 3, failed: 0 });
  });

  it('falls back to enumeration with stamp comparison when the change feed expired, and still copies only what changed', async () => {
    const t = setup();
    for (let i = 0; i < 6; i++) t.source.add('ana@source.example', { folderIds: ['inbox'] });
    await t.startPass();
    await t.drain();
    t.source.add('ana@source.example', { folderIds: ['inbox'] });
    t.source.expiredBelow = Number.MAX_SAFE_INTEGER;
    t.store.addWork({ ...t.work, passId: 'pass2', passKind: 'delta' });
    const writesBefore = t.target.calls.write;
    await t.startPass('pass2');
    await t.drain();
    expect(t.target.calls.write - writesBefore).toBe(1);
    expect(t.target.messages('ana@target.example')).toHaveLength(7);
    expect(t.store.counts('pass2', 'm1')).toMatchObject({ found: 7, migrated: 1, skipped: 6 });
  });

  it('waits while the pass is paused and drops items of a cancelled pass', async () => {
    const t = setup();
    t.source.add('ana@source.example', { folderIds: ['inbox'] });
    t.store.setStatus('pass1', 'paused');
    await expect(t.startPass()).rejects.toThrow('pass is paused');
    t.store.setStatus('pass1', 'cancelled');
    await t.startPass();
    expect(t.publisher.queue).toHaveLength(0);
  });

  describe('a batch whose worker is killed mid-way', () => {
    const BIG: WorkLimits = { batchItems: 6, batchBytes: 1 << 20, itemConcurrency: 1, checkpoint: { items: 2, ms: 60_000 } };

    /** Plans a 6-message mailbox into one batch and starts its first delivery, which dies at the 5th write. */
    async function killedBatch(lands = true) {
      const kill = killedAt(5, lands);
      const t = setup({}, { limits: BIG, target: kill.wrap });
      for (let i = 0; i < 6; i++) t.source.add('ana@source.example', { folderIds: ['inbox'] });
      t.source.pageSize = 6;
      await t.startPass();
      const queued = t.publisher.queue.shift();
      if (queued?.kind !== 'copy') throw new Error('expected a copy batch');
      void t.copy.execute(queued.address, queued.batch, { count: 1, last: false, signal: new AbortController().signal });
      await settle();
      return { ...t, kill, batch: queued.batch };
    }

    it('keeps the references of the items it finished, so the next delivery sends only the rest', async () => {
      const t = await killedBatch();
      // Four copies finished before the kill: written every two items, not at the batch's end.
      expect(t.store.references.size).toBe(4);
      t.kill.state.killed = false;
      await t.copy.execute(t.address, t.batch, { count: 2, last: false, signal: new AbortController().signal });
      expect(t.kill.state.writes).toBe(5 + 1); // the redelivery wrote only the one that never landed
      expect(t.target.messages('ana@target.example')).toHaveLength(6); // the 5th was found, not copied again
      expect(t.store.counts('pass1', 'm1')).toMatchObject({ found: 6, migrated: 6, failed: 0 });
    });

    it('when dead-lettered, counts what earlier attempts finished and records the rest failed as interrupted', async () => {
      const t = await killedBatch();
      await t.copy.abandon(t.address, t.batch, 11);
      const counts = t.store.counts('pass1', 'm1');
      expect(counts).toMatchObject({ found: 6, migrated: 4, failed: 2 });
      expect(counts.found).toBe(counts.migrated + counts.skipped + counts.failed);
      expect(t.store.passFinished).toBe(true);
      const failures = t.store.run('pass1', 'm1').failures;
      expect(failures.map((f) => f.reason)).toEqual(['interrupted', 'interrupted']);
      expect(failures[0]?.detail).toBe('no attempt finished in 11 deliveries (the worker stopped during each)');
    });

    it('a later pass copies the interrupted items, verifying the target first, so a copy that landed is not made twice', async () => {
      const t = await killedBatch(true);
      await t.copy.abandon(t.address, t.batch, 11);
      t.kill.state.killed = false;
      t.store.addWork({ ...t.work, passId: 'pass2' });
      const finds = t.target.calls.find;
      await t.startPass('pass2');
      const batches = t.publisher.queue.filter((q): q is Extract<typeof q, { kind: 'copy' }> => q.kind === 'copy').map((q): CopyBatch => q.batch);
      expect(batches.map((b) => b.verifyTarget)).toEqual([true]);
      await t.drain();
      expect(t.target.calls.find - finds).toBe(2);
      expect(t.target.messages('ana@target.example')).toHaveLength(6);
      expect(t.store.counts('pass2', 'm1')).toMatchObject({ found: 6, migrated: 2, skipped: 4, failed: 0 });
    });

    it('a dead-lettered planning step fails its mailbox as interrupted, so the pass can finish', async () => {
      const t = setup();
      await t.startPass();
      const plan = new PlanMailboxUseCase(t.store, t.store, { source: () => t.source, target: () => t.target }, t.publisher, LIMITS);
      await plan.abandon(t.address, 7);
      expect(t.store.run('pass1', 'm1').done).toBe(true);
    });
  });
});
