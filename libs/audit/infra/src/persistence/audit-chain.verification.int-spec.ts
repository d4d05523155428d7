import { generateKeyPairSync } from 'node:crypto';
import { auditEventFixture, EphemeralChainSigner } from '@ferry/audit/application';
import { auditKeyId, signChainHead } from '@ferry/audit/domain';
import { createTestDatabase, natsTestNamespace, TEST_NATS_URL, type TestDatabase } from '@ferry/platform/testing';
import { type AuditChainHarness, startAuditChainHarness } from '../testing/audit-chain.fixture';

const DAY_MS = 86_400_000;
let orgCounter = 0;
const nextOrg = () => `${String((orgCounter += 1)).padStart(8, '0')}-aaaa-4aaa-8aaa-aaaaaaaaaaaa`;

describe('audit chain verification on PostgreSQL with the NATS witness', () => {
  const ns = natsTestNamespace('auditverify');
  let database: TestDatabase;
  let h: AuditChainHarness;
  const sql = (text: string, params: unknown[] = []) => h.db.query(text, params);

  /** A fresh organisation with `n` records appended in batches; checkpoints at 10 and 20. */
  async function chainOf(n = 25): Promise<string> {
    const org = nextOrg();
    const base = orgCounter * 1000;
    for (let i = 1; i <= n; i += 5) {
      await Promise.all(Array.from({ length: Math.min(5, n - i + 1) }, (_, k) => h.batcher.submit(auditEventFixture(base + i + k, org))));
    }
    await h.checkpointer.witnessed();
    expect((await h.verify.execute(org)).violation).toBeUndefined();
    return org;
  }

  beforeAll(async () => {
    database = await createTestDatabase('audit_verify');
    h = await startAuditChainHarness({ databaseUrl: database.url, natsUrl: TEST_NATS_URL, prefix: ns.prefix, signer: new EphemeralChainSigner(), chain: { checkpointEvery: 10, maxBatch: 5 } });
  });
  afterAll(async () => {
    await h.dropWitness();
    await h.close();
    await database.drop();
    await ns.cleanup();
  });

  it('verifies an intact chain against its checkpoints and the witnessed head', async () => {
    const org = await chainOf();
    expect(await h.verify.execute(org)).toMatchObject({ records: 25, checkpoints: 2, lastSequence: 25n, headSequence: 25n, witness: 'consulted' });
  });

  it('reports a record whose payload was modified as altered', async () => {
    const org = await chainOf();
    const forged = Buffer.from(auditEventFixture(1, org, { action: 'connector.deleted' }).encoded).toString('base64');
    await sql('UPDATE audit.events SET payload = $1 WHERE org_id = $2 AND sequence = 7', [forged, org]);
    expect((await h.verify.execute(org)).violation).toMatchObject({ sequence: 7n, kind: 'altered', reason: 'its content does not match its hash' });
  });

  it('reports a record whose indexed column was edited as altered', async () => {
    const org = await chainOf();
    await sql("UPDATE audit.events SET outcome = 'failure' WHERE org_id = $1 AND sequence = 12", [org]);
    expect((await h.verify.execute(org)).violation).toMatchObject({ sequence: 12n, kind: 'altered', reason: 'its outcome column disagrees with its payload' });
  });

  it.each(['actor_kind', 'actor_id', 'target_type', 'target_id', 'session_id'])('reports a record whose query column %s was edited as altered', async (column) => {
    const org = await chainOf();
    await sql(`UPDATE audit.events SET ${column} = 'service' WHERE org_id = $1 AND sequence = 9`, [org]);
    expect((await h.verify.execute(org)).violation).toMatchObject({ sequence: 9n, kind: 'altered', reason: `its ${column} column disagrees with its payload` });
  });

  it('reports a deleted record as missing', async () => {
    const org = await chainOf();
    await sql('DELETE FROM audit.events WHERE org_id = $1 AND sequence = 14', [org]);
    expect((await h.verify.execute(org)).violation).toEqual({ sequence: 14n, kind: 'missing', reason: 'record 14 is missing' });
  });

  it('walks a long chain in windows, and reports a gap wider than a window as missing', async () => {
    const org = nextOrg();
    for (let i = 0; i < 4500; i += 500) await h.store.appendBatch(Array.from({ length: 500 }, (_, k) => auditEventFixture(900_000 + i + k, org)));
    expect(await h.verify.execute(org)).toMatchObject({ records: 4500, lastSequence: 4500n });
    await sql('DELETE FROM audit.events WHERE org_id = $1 AND sequence BETWEEN 100 AND 4400', [org]);
    expect((await h.verify.execute(org)).violation).toEqual({ sequence: 100n, kind: 'missing', reason: 'records 100 to 4400 are missing' });
  });

  it('reports two records swapped in sequence as out-of-order', async () => {
    const org = await chainOf();
    await sql('UPDATE audit.events SET sequence = -1 WHERE org_id = $1 AND sequence = 5', [org]);
    await sql('UPDATE audit.events SET sequence = 5 WHERE org_id = $1 AND sequence = 6', [org]);
    await sql('UPDATE audit.events SET sequence = 6 WHERE org_id = $1 AND sequence = -1', [org]);
    expect((await h.verify.execute(org)).violation).toMatchObject({ sequence: 5n, kind: 'out-of-order' });
  });

  it('reports a tail truncated below a checkpoint', async () => {
    const org = await chainOf();
    await sql('DELETE FROM audit.events WHERE org_id = $1 AND sequence > 15', [org]);
    expect((await h.verify.execute(org)).violation).toMatchObject({ sequence: 16n, kind: 'truncated', reason: 'records after 15 are gone: a checkpoint covers 20' });
  });

  it('reports a tail truncated after the last checkpoint, head row rewound too, through the witness', async () => {
    const org = await chainOf();
    const [cp] = (await sql('SELECT hash FROM audit.checkpoints WHERE org_id = $1 AND sequence = 20', [org])) as { hash: string }[];
    await sql('DELETE FROM audit.events WHERE org_id = $1 AND sequence > 20', [org]);
    await sql('UPDATE audit.chain_heads SET sequence = 20, hash = $2 WHERE org_id = $1', [org, cp!.hash]);
    expect((await h.verify.execute(org)).violation).toMatchObject({ sequence: 21n, kind: 'truncated', reason: 'records after 20 are gone: the witnessed head is at 25' });
  });

  it('reports a forged checkpoint: an edited hash, or one signed with a key it does not trust', async () => {
    const org = await chainOf();
    await sql("UPDATE audit.checkpoints SET hash = repeat('a', 64) WHERE org_id = $1 AND sequence = 10", [org]);
    expect((await h.verify.execute(org)).violation).toMatchObject({ sequence: 10n, kind: 'checkpoint' });

    const other = await chainOf();
    const [row] = (await sql('SELECT hash FROM audit.events WHERE org_id = $1 AND sequence = 15', [other])) as { hash: string }[];
    const stranger = generateKeyPairSync('ed25519');
    const forged = signChainHead({ orgId: other, sequence: 15n, hash: row!.hash, at: new Date() }, stranger.privateKey, auditKeyId(stranger.publicKey));
    await sql('INSERT INTO audit.checkpoints (org_id, sequence, hash, created_at, key_id, signature) VALUES ($1, 15, $2, $3, $4, $5)', [other, forged.hash, forged.at, forged.keyId, forged.signature]);
    expect((await h.verify.execute(other)).violation).toMatchObject({ sequence: 15n, kind: 'checkpoint', reason: expect.stringContaining('not a trusted audit key') as unknown });
  });

  it('verifies a sub-range from the newest checkpoint below it, and reports a gap inside it', async () => {
    const org = await chainOf();
    expect(await h.verify.execute(org, { from: 13n, to: 17n })).toMatchObject({ fromSequence: 11n, lastSequence: 17n, records: 7 });
    await sql('DELETE FROM audit.events WHERE org_id = $1 AND sequence = 16', [org]);
    expect((await h.verify.execute(org, { from: 13n, to: 17n })).violation).toMatchObject({ sequence: 16n, kind: 'missing' });
  });

  it('purges past retention down to a checkpoint, keeps verifying from it, and still catches a deletion after it', async () => {
    const org = await chainOf();
    await h.retention.setDays(org, 30, async () => undefined);
    // Backdate the first two checkpoints' signing (signatures cover the time, so re-sign them).
    for (const seq of [10n, 20n]) {
      const [row] = (await sql('SELECT hash FROM audit.checkpoints WHERE org_id = $1 AND sequence = $2', [org, seq.toString()])) as { hash: string }[];
      const signed = h.signer.sign({ orgId: org, sequence: seq, hash: row!.hash, at: new Date(Date.now() - 40 * DAY_MS) });
      await sql('UPDATE audit.checkpoints SET created_at = $3, signature = $4 WHERE org_id = $1 AND sequence = $2', [org, seq.toString(), signed.at, signed.signature]);
    }
    const purged = await h.purge.purgeOrganisation(org);
    expect(purged).toEqual({ orgId: org, through: 20n, records: 20 });
    expect(await h.chain.extent(org)).toMatchObject({ first: 21n, head: { sequence: 25n } });
    expect((await h.witness.floor(org))?.sequence).toBe(20n);
    expect(await h.verify.execute(org)).toMatchObject({ fromSequence: 21n, lastSequence: 25n, records: 5 });
    expect((await h.verify.execute(org)).violation).toBeUndefined();
    // Nothing else to purge now.
    expect(await h.purge.purgeOrganisation(org)).toBeUndefined();
    await sql('DELETE FROM audit.events WHERE org_id = $1 AND sequence = 21', [org]);
    expect((await h.verify.execute(org)).violation).toMatchObject({ sequence: 21n, kind: 'missing' });
  });

  it('reports a prefix deleted up to a checkpoint outside a purge, which the witnessed floor does not allow', async () => {
    const org = await chainOf();
    await sql('DELETE FROM audit.events WHERE org_id = $1 AND sequence <= 10', [org]);
    expect((await h.verify.execute(org)).violation).toMatchObject({ sequence: 1n, kind: 'missing', reason: 'records 1 to 10 are gone, but retention purged only up to 0' });
  });

  it('checkpoints every moved head on the periodic run', async () => {
    const org = await chainOf(13);
    expect(await h.checkpointer.checkpointMoved()).toBeGreaterThanOrEqual(1);
    const rows = (await sql('SELECT sequence FROM audit.checkpoints WHERE org_id = $1 ORDER BY sequence', [org])) as { sequence: string }[];
    expect(rows.map((r) => Number(r.sequence))).toEqual([10, 13]);
    expect(await h.verify.execute(org)).toMatchObject({ checkpoints: 2 });
  });
});
