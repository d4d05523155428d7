import { PurgeAuditRecordsUseCase } from './purge-audit-records.usecase';
import { auditEventFixture } from './testing/audit-event.fixture';
import { memoryAuditChain } from './testing/audit-use-cases.fixture';
import type { AuditRetentionStore, AuditTrail, AuditTrailEntry } from './audit.ports';
import { VerifyAuditChainUseCase } from './verify-audit-chain.usecase';

const ORG = '0b6f4c3e-3d2a-4c1b-9f8e-7a6b5c4d3e2f';
const DAY_MS = 86_400_000;

async function chainOf(n: number, checkpointEvery = 10) {
  const chain = memoryAuditChain({ maxBatch: 1, checkpointEvery });
  for (let i = 1; i <= n; i += 1) {
    const e = auditEventFixture(i, ORG);
    await chain.append.execute(e.summary, e.encoded);
  }
  await chain.checkpointer.witnessed();
  return chain;
}

class RecordingTrail implements AuditTrail {
  readonly entries: AuditTrailEntry[] = [];
  async record(entry: AuditTrailEntry) {
    this.entries.push(entry);
  }
}

const noRetention: AuditRetentionStore = { days: async () => undefined, setDays: async () => undefined };

describe('verifying an organisation’s chain', () => {
  it('verifies the whole chain from genesis against its checkpoints and witnessed head', async () => {
    const { verify } = await chainOf(25);
    expect(await verify.execute(ORG.toUpperCase())).toMatchObject({ records: 25, checkpoints: 2, fromSequence: 1n, lastSequence: 25n, headSequence: 25n, witness: 'consulted' });
    expect((await verify.execute(ORG)).violation).toBeUndefined();
  });

  it('anchors a range at the newest signed checkpoint at or below its start', async () => {
    const { verify } = await chainOf(25);
    expect(await verify.execute(ORG, { from: 15n, to: 18n })).toMatchObject({ fromSequence: 11n, lastSequence: 18n, records: 8 });
  });

  it('walks a range below the first checkpoint from genesis', async () => {
    const { verify } = await chainOf(25);
    expect(await verify.execute(ORG, { from: 5n, to: 8n })).toMatchObject({ fromSequence: 1n, lastSequence: 8n, records: 8 });
    expect((await verify.execute(ORG, { from: 5n, to: 8n })).violation).toBeUndefined();
  });

  it('reports a forged anchor checkpoint', async () => {
    const { verify, store } = await chainOf(25);
    const i = store.saved.findIndex((c) => c.sequence === 10n);
    store.saved[i] = { ...store.saved[i]!, hash: 'f'.repeat(64) };
    expect((await verify.execute(ORG, { from: 12n })).violation).toMatchObject({ sequence: 10n, kind: 'checkpoint' });
  });

  it('reports a prefix deleted up to a checkpoint outside a retention purge as missing', async () => {
    const { verify, store } = await chainOf(25);
    store.rows.splice(0, 10);
    expect((await verify.execute(ORG)).violation).toMatchObject({ sequence: 1n, kind: 'missing', reason: 'records 1 to 10 are gone, but retention purged only up to 0' });
  });

  it('reports a deleted prefix that no checkpoint anchors as missing when no witness is configured', async () => {
    const { store, signer } = await chainOf(25);
    store.rows.splice(0, 4);
    const verify = new VerifyAuditChainUseCase(store, signer);
    expect(await verify.execute(ORG)).toMatchObject({ witness: 'not-configured', violation: { sequence: 1n, kind: 'missing' } });
  });

  it('verifies from the retained checkpoint after a purge, and audits the purge', async () => {
    const { verify, store, witness, settings } = await chainOf(25);
    const trail = new RecordingTrail();
    const purge = new PurgeAuditRecordsUseCase(store, noRetention, witness, trail, settings);
    expect(await purge.execute(new Date())).toEqual([]);
    // A year and a bit later, every checkpoint (10 and 20) is past the default 365 days.
    expect(await purge.execute(new Date(Date.now() + 366 * DAY_MS))).toEqual([{ orgId: ORG, through: 20n, records: 20 }]);
    expect(store.rows.map((r) => r.sequence)).toEqual([21n, 22n, 23n, 24n, 25n]);
    expect(store.saved.map((c) => c.sequence)).toEqual([20n]);
    expect(trail.entries[0]).toMatchObject({ action: 'audit.records.purged', detail: { through: '20', records: '20', retention_days: '365' } });
    expect(witness.floors.get(ORG)?.sequence).toBe(20n);
    expect(await verify.execute(ORG)).toMatchObject({ fromSequence: 21n, lastSequence: 25n, records: 5 });
    expect((await verify.execute(ORG)).violation).toBeUndefined();
    // Deleting the next retained record is still caught.
    store.rows.shift();
    expect((await verify.execute(ORG)).violation).toMatchObject({ sequence: 21n, kind: 'missing' });
  });

  it('does not purge what the trail cannot record', async () => {
    const { store, witness, settings } = await chainOf(25);
    const refusing: AuditTrail = { record: async () => Promise.reject(new Error('stream unavailable')) };
    const purge = new PurgeAuditRecordsUseCase(store, noRetention, witness, refusing, settings);
    expect(await purge.execute(new Date(Date.now() + 366 * DAY_MS))).toEqual([]);
    expect(store.rows).toHaveLength(25);
  });

  it('keeps an organisation’s records within its own retention', async () => {
    const { store, witness, settings } = await chainOf(25);
    const retention: AuditRetentionStore = { days: async () => 3650, setDays: async () => undefined };
    const purge = new PurgeAuditRecordsUseCase(store, retention, witness, new RecordingTrail(), settings);
    expect(await purge.execute(new Date(Date.now() + 366 * DAY_MS))).toEqual([]);
    expect(store.rows).toHaveLength(25);
  });

  it('refuses a malformed range', async () => {
    const { verify } = await chainOf(1);
    await expect(verify.execute(ORG, { from: 0n })).rejects.toMatchObject({ field: 'from' });
    await expect(verify.execute(ORG, { from: 5n, to: 4n })).rejects.toMatchObject({ field: 'to' });
  });
});
