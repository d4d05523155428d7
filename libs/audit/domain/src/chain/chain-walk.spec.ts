import { generateKeyPairSync } from 'node:crypto';
import { chainHash, GENESIS_HASH } from './chain-hash';
import { auditKeyId, type SignedChainHead, signChainHead } from './chain-head-signature';
import { type ChainRecord, type ChainWalk, walkChain } from './chain-walk';

const ORG = 'org-1';
const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const keyId = auditKeyId(publicKey);
const keys = new Map([[keyId, publicKey]]);
const at = new Date('2026-01-01T00:00:00Z');

const payloadOf = (columns: Record<string, string>) => new Uint8Array(Buffer.from(JSON.stringify(columns)));
const derive = (payload: Uint8Array) => JSON.parse(Buffer.from(payload).toString()) as Record<string, string>;

/** A valid chain of `n` records; columns mirror the payload. */
function chain(n: number, from = 1n, prev = GENESIS_HASH): ChainRecord[] {
  const out: ChainRecord[] = [];
  for (let i = 0; i < n; i += 1) {
    const sequence = from + BigInt(i);
    const columns = { action: `test.action_${i % 3}`, outcome: 'success' };
    const payload = payloadOf(columns);
    const id = `id-${sequence}`;
    const hash = chainHash({ prevHash: prev, sequence, id, orgId: ORG, payload });
    out.push({ sequence, id, orgId: ORG, prevHash: prev, hash, payload, columns });
    prev = hash;
  }
  return out;
}

const sign = (r: ChainRecord, orgId = ORG): SignedChainHead => signChainHead({ orgId, sequence: r.sequence, hash: r.hash, at }, privateKey, keyId);

async function* paged<T>(items: T[], size = 3): AsyncGenerator<T> {
  for (let i = 0; i < items.length; i += size) {
    await Promise.resolve();
    yield* items.slice(i, i + size);
  }
}

const walk = (records: ChainRecord[], extra: Partial<ChainWalk> = {}) =>
  walkChain({ orgId: ORG, anchor: { sequence: 0n, hash: GENESIS_HASH }, records: paged(records), checkpoints: [], keys, derive, ...extra });

describe('the chain walk', () => {
  it('verifies an intact chain streamed in pages, counting records and checkpoints', async () => {
    const records = chain(10);
    const result = await walk(records, { checkpoints: paged([sign(records[3]!), sign(records[9]!)]), witness: sign(records[9]!), storedHead: 10n });
    expect(result).toEqual({ records: 10, checkpoints: 2, lastSequence: 10n });
  });

  it('reports a modified payload as altered at that record', async () => {
    const records = chain(6);
    records[3] = { ...records[3]!, payload: payloadOf({ action: 'test.action_0', outcome: 'failure' }), columns: { action: 'test.action_0', outcome: 'failure' } };
    expect((await walk(records)).violation).toMatchObject({ sequence: 4n, kind: 'altered', reason: 'its content does not match its hash' });
  });

  it('reports a column that disagrees with the payload as altered', async () => {
    const records = chain(6);
    records[2] = { ...records[2]!, columns: { ...records[2]!.columns, outcome: 'denied' } };
    expect((await walk(records)).violation).toMatchObject({ sequence: 3n, kind: 'altered', reason: 'its outcome column disagrees with its payload' });
  });

  it('reports a payload that does not decode as altered', async () => {
    const records = chain(3);
    const r = records[1]!;
    const payload = new Uint8Array([0xff]);
    records[1] = { ...r, payload, hash: chainHash({ prevHash: r.prevHash, sequence: r.sequence, id: r.id, orgId: ORG, payload }) };
    expect((await walk(records)).violation).toMatchObject({ sequence: 2n, kind: 'altered', reason: 'its payload does not decode' });
  });

  it('reports a deleted record as missing, naming the gap', async () => {
    const records = chain(8);
    records.splice(4, 2);
    expect((await walk(records)).violation).toEqual({ sequence: 5n, kind: 'missing', reason: 'records 5 to 6 are missing' });
  });

  it('reports a deleted first record as missing', async () => {
    expect((await walk(chain(3).slice(1))).violation).toMatchObject({ sequence: 1n, kind: 'missing' });
  });

  it('reports two swapped records as out-of-order', async () => {
    const records = chain(6);
    const a = records[2]!;
    const b = records[3]!;
    records[2] = { ...b, sequence: a.sequence };
    records[3] = { ...a, sequence: b.sequence };
    expect((await walk(records)).violation).toMatchObject({ sequence: 3n, kind: 'out-of-order' });
  });

  it('reports a deletion whose gap was closed by renumbering as out-of-order', async () => {
    const records = chain(6);
    const spliced = [...records.slice(0, 2), ...records.slice(3).map((r) => ({ ...r, sequence: r.sequence - 1n }))];
    expect((await walk(spliced)).violation).toMatchObject({ sequence: 3n, kind: 'out-of-order' });
  });

  it('reports records rewritten with recomputed hashes at the next checkpoint', async () => {
    const records = chain(10);
    const cp = sign(records[7]!);
    const forged = [...records.slice(0, 4), ...chain(6, 5n, records[3]!.hash).map((r) => ({ ...r }))];
    // Same shape, different content: change one payload and rehash everything after it.
    const rewritten: ChainRecord[] = [];
    let prev = forged[3]!.hash;
    for (const r of forged.slice(4)) {
      const payload = payloadOf({ action: 'test.rewritten', outcome: 'success' });
      const hash = chainHash({ prevHash: prev, sequence: r.sequence, id: r.id, orgId: ORG, payload });
      rewritten.push({ ...r, prevHash: prev, payload, hash, columns: { action: 'test.rewritten', outcome: 'success' } });
      prev = hash;
    }
    const result = await walk([...forged.slice(0, 4), ...rewritten], { checkpoints: [cp] });
    expect(result.violation).toMatchObject({ sequence: 8n, kind: 'checkpoint', reason: "the checkpoint at 8: its hash is not the chain's hash there" });
    expect(result.records).toBe(8);
  });

  it('reports a forged checkpoint (other key, or edited after signing)', async () => {
    const records = chain(5);
    const other = generateKeyPairSync('ed25519');
    const forged = signChainHead({ orgId: ORG, sequence: 3n, hash: records[2]!.hash, at }, other.privateKey, keyId);
    expect((await walk(records, { checkpoints: [forged] })).violation).toMatchObject({ sequence: 3n, kind: 'checkpoint', reason: 'the checkpoint at 3: its signature does not verify' });
    const edited = { ...sign(records[2]!), at: new Date(at.getTime() + 1) };
    expect((await walk(records, { checkpoints: [edited] })).violation).toMatchObject({ sequence: 3n, kind: 'checkpoint' });
    expect((await walk(records, { checkpoints: [sign(records[2]!, 'org-2')] })).violation).toMatchObject({ kind: 'checkpoint', reason: 'the checkpoint at 3: it names another organisation' });
  });

  it('reports a truncated tail below a checkpoint', async () => {
    const records = chain(10);
    expect((await walk(records.slice(0, 6), { checkpoints: [sign(records[2]!), sign(records[8]!)] })).violation).toEqual({
      sequence: 7n,
      kind: 'truncated',
      reason: 'records after 6 are gone: a checkpoint covers 9',
    });
  });

  it('reports a tail truncated after the last checkpoint through the witnessed head', async () => {
    const records = chain(10);
    const result = await walk(records.slice(0, 8), { checkpoints: [sign(records[4]!)], witness: sign(records[9]!) });
    expect(result.violation).toMatchObject({ sequence: 9n, kind: 'truncated', reason: 'records after 8 are gone: the witnessed head is at 10' });
  });

  it('reports a truncated tail through the head row when nothing else witnessed it', async () => {
    expect((await walk(chain(4).slice(0, 3), { storedHead: 4n })).violation).toMatchObject({ sequence: 4n, kind: 'truncated' });
  });

  it('reports a witnessed head whose hash is not the chain’s, or that does not verify', async () => {
    const records = chain(5);
    const wrong = signChainHead({ orgId: ORG, sequence: 5n, hash: records[3]!.hash, at }, privateKey, keyId);
    expect((await walk(records, { witness: wrong })).violation).toMatchObject({ sequence: 5n, kind: 'checkpoint' });
    expect((await walk(records, { witness: { ...sign(records[4]!), sequence: 9n } })).violation).toMatchObject({ sequence: 9n, kind: 'checkpoint' });
  });

  it('walks from a checkpoint anchor (a purged prefix) and checks the link to it', async () => {
    const records = chain(10);
    const anchor = { sequence: 4n, hash: records[3]!.hash };
    expect((await walk(records.slice(4), { anchor })).violation).toBeUndefined();
    expect((await walk(records.slice(5), { anchor })).violation).toMatchObject({ sequence: 5n, kind: 'missing' });
    expect((await walk(records.slice(4), { anchor: { sequence: 4n, hash: records[2]!.hash } })).violation).toMatchObject({ sequence: 5n, kind: 'out-of-order' });
  });

  it('checks only up to `to`, but a gap inside the range is still missing', async () => {
    const records = chain(10);
    expect(await walk(records, { to: 5n, witness: sign(records[9]!) })).toEqual({ records: 5, checkpoints: 0, lastSequence: 5n });
    const gapped = records.filter((r) => r.sequence !== 4n && r.sequence !== 5n);
    expect((await walk(gapped, { to: 5n })).violation).toMatchObject({ sequence: 4n, kind: 'missing' });
    expect((await walk(records.slice(0, 3), { to: 5n, storedHead: 10n })).violation).toMatchObject({ sequence: 4n, kind: 'truncated' });
  });

  it('accepts an empty chain, and an empty range after an anchor that is the head', async () => {
    expect(await walk([])).toEqual({ records: 0, checkpoints: 0, lastSequence: 0n });
    const records = chain(3);
    expect(await walk([], { anchor: { sequence: 3n, hash: records[2]!.hash }, checkpoints: [sign(records[2]!)], storedHead: 3n })).toEqual({
      records: 0,
      checkpoints: 0,
      lastSequence: 3n,
    });
  });
});
