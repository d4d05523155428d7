import { fromBinary } from '@bufbuild/protobuf';
import { AuditEventSchema, DeadLetterSchema } from '@ferry/contracts';
import type { MailTarget } from '@ferry/migration/application';
import type { MemoryMailSystem } from '@ferry/migration/testing';
import { TEST_NATS_URL } from '@ferry/platform/testing';
import { connect, type NatsConnection } from 'nats';
import { eventually, WorkerEngineHarness } from '../testing/worker-engine.fixture';

jest.setTimeout(60_000);

// Two attempts per item, redelivered 1 s after a worker stops answering; references written after
// every item, so what an attempt copied before its worker died is kept.
const QUEUE = { maxDeliveries: 2, ackWaitMs: 1000, maxAckPending: 64 };
const LIMITS = { batchItems: 5, batchBytes: 1 << 20, itemConcurrency: 1, checkpoint: { items: 1, ms: 0 } };

type WriteScript = 'ok' | 'lands-then-dies' | 'dies';

/**
 * The shared memory target as one worker replica sees it: its n-th write follows `script[n]` (then
 * 'dies'): 'dies' never settles (the process is gone), 'lands-then-dies' uploads first.
 */
function scriptedTarget(memory: MemoryMailSystem, script: WriteScript[], writing: { count: number }): MailTarget {
  let n = 0;
  return {
    prepare: () => memory.prepare(),
    find: (mailbox, key) => memory.find(mailbox, key),
    update: (mailbox, update) => memory.update(mailbox, update),
    remove: (mailbox, id) => memory.remove(mailbox, id),
    write: async (mailbox, message, signal) => {
      const step = script[n++] ?? 'dies';
      writing.count++;
      if (step === 'ok') return memory.write(mailbox, message, signal);
      if (step === 'lands-then-dies') await memory.write(mailbox, message, signal);
      return new Promise<never>(() => undefined);
    },
  };
}

describe('a copy batch whose worker dies on every delivery', () => {
  const h = new WorkerEngineHarness('deadbatch', QUEUE, LIMITS);
  let nc: NatsConnection;

  beforeAll(async () => {
    await h.setup();
    nc = await connect({ servers: TEST_NATS_URL });
  });
  afterAll(async () => {
    await nc?.close();
    await h.teardown();
  });

  async function streamEvents<T>(stream: string, decode: (data: Uint8Array) => T): Promise<T[]> {
    const jsm = await nc.jetstreamManager();
    const info = await jsm.streams.info(`${h.ns.prefix.toUpperCase()}_${stream}`).catch(() => null);
    if (!info || info.state.messages === 0) return [];
    const out: T[] = [];
    for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
      const m = await jsm.streams.getMessage(info.config.name, { seq }).catch(() => undefined);
      if (m) out.push(decode(m.data));
    }
    return out;
  }

  it('is dead-lettered with an audit record, its unfinished items are recorded failed, the pass completes, and a later pass copies them once', async () => {
    const writes = { count: 0 };
    // First delivery: one copy finishes, the next lands on the target and the worker dies.
    const first = await h.startWorker({ target: scriptedTarget(h.target, ['ok', 'lands-then-dies'], writes), drainTimeoutMs: 300 });
    const { project, pass, mappings } = await h.startPass(1, 3);
    const mapping = mappings[0];
    if (!mapping) throw new Error('no mapping');
    await eventually(async () => writes.count === 2, 20_000);
    await h.kill(first);
    // Second (last) delivery: the two earlier copies are found, the third write dies.
    const second = await h.startWorker({ target: scriptedTarget(h.target, ['dies'], writes), drainTimeoutMs: 300 });
    await eventually(async () => writes.count === 3, 20_000);
    await h.kill(second);
    // The next delivery has no attempt left: the batch is dead-lettered and its run told so.
    await h.startWorker();
    await eventually(() => h.finished(pass.id), 20_000);

    const [progress] = await h.projects.progress(h.orgId, pass.id);
    expect(progress).toMatchObject({ status: 'done', found: 3, migrated: 2, skipped: 0, failed: 1 });
    const failures = await h.projects.failures(h.orgId, pass.id, 10, 0);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ reason: 'interrupted', });
    expect(failures[0]?.detail).toContain('no attempt finished');
    expect(h.target.messages(mapping.targetAddress)).toHaveLength(2);

    const letters = await streamEvents('DEADLETTER', (d) => fromBinary(DeadLetterSchema, d));
    expect(letters.filter((l) => l.subject.endsWith('.copy'))).toEqual([expect.objectContaining({ detail: 'previous attempt did not finish', deliveryCount: 3 })]);
    const audit = await streamEvents('AUDIT', (d) => fromBinary(AuditEventSchema, d));
    expect(audit.filter((a) => a.action === 'platform.message.dead_lettered' && a.orgId === h.orgId)).toHaveLength(1);

    // A later full pass copies the failed item, verifying the target first; nothing is doubled.
    const finds = h.target.calls.find;
    const again = await h.startPass(1, 0, 'full', project.id);
    await eventually(() => h.finished(again.pass.id), 20_000);
    expect((await h.projects.progress(h.orgId, again.pass.id))[0]).toMatchObject({ found: 3, migrated: 1, skipped: 2, failed: 0 });
    expect(h.target.calls.find).toBeGreaterThan(finds);
    expect(h.target.messages(mapping.targetAddress)).toHaveLength(3);
  });
});
