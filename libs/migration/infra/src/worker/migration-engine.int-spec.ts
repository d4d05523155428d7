import { NO_AUDIT } from '../persistence/migration-database.fixture';
import { eventually, WorkerEngineHarness } from '../testing/worker-engine.fixture';

jest.setTimeout(120_000);

const LIMITS = { batchItems: 5, batchBytes: 1 << 20, itemConcurrency: 2 };
const QUEUE = { maxDeliveries: 4, ackWaitMs: 5000, maxAckPending: 64 };

describe('migration engine over JetStream and PostgreSQL', () => {
  const h = new WorkerEngineHarness('engine', QUEUE, LIMITS);
  const { source, target } = h;
  const ORG = h.orgId;
  const startWorker = () => h.startWorker();
  const startPass = (users: number, messages: number, kind: 'full' | 'delta' = 'full', projectId?: string) => h.startPass(users, messages, kind, projectId);
  const finished = (passId: string) => h.finished(passId);

  beforeAll(() => h.setup());
  afterAll(() => h.teardown());

  it('carries every mailbox of a pass through the queue, once, with counts that add up, across two workers', async () => {
    await startWorker();
    await startWorker();
    const { pass, mappings } = await startPass(3, 12);
    await eventually(() => finished(pass.id));
    for (const m of mappings) expect(target.messages(m.targetAddress)).toHaveLength(12);
    const progress = await h.projects.progress(ORG, pass.id);
    for (const row of progress) {
      expect(row).toMatchObject({ status: 'done', found: 12, migrated: 12, failed: 0 });
      expect(row.found).toBe(row.migrated + row.skipped + row.failed);
    }
    // The pass's end is reported once, by whichever worker recorded its last batch.
    expect(h.ended.filter((id) => id === pass.id)).toHaveLength(1);
  });

  it('leaves one copy per item when uploads land but their workers fail before recording them', async () => {
    for (let i = 0; i < 3; i++) target.failNext('write', { after: true });
    const { pass, mappings } = await startPass(1, 9);
    await eventually(() => finished(pass.id));
    const [mapping] = mappings;
    expect(target.messages(mapping?.targetAddress ?? '')).toHaveLength(9);
    expect((await h.projects.progress(ORG, pass.id))[0]).toMatchObject({ found: 9, migrated: 9, failed: 0 });
  });

  it('holds a paused pass in the queue and carries it on after resume; a delta pass copies only what changed', async () => {
    const { project, pass, mappings } = await startPass(1, 6);
    await eventually(() => finished(pass.id));
    const mapping = mappings[0];
    if (!mapping) throw new Error('no mapping');
    source.add(mapping.sourceAddress, { folderIds: ['inbox'] });
    source.add(mapping.sourceAddress, { folderIds: ['inbox'] });
    const writes = target.calls.write;
    const delta = await startPass(1, 0, 'delta', project.id);
    await h.projects.setPassStatus(ORG, delta.pass.id, ['running'], 'paused', NO_AUDIT);
    await new Promise((r) => setTimeout(r, 1500));
    expect(target.calls.write).toBe(writes);
    await h.projects.setPassStatus(ORG, delta.pass.id, ['paused'], 'running', NO_AUDIT);
    await eventually(() => finished(delta.pass.id));
    expect(target.calls.write - writes).toBe(2);
    expect(target.messages(mapping.targetAddress)).toHaveLength(8);
    expect((await h.projects.progress(ORG, delta.pass.id))[0]).toMatchObject({ found: 2, migrated: 2, failed: 0 });
  });
});
