import { chainHash } from './chain-hash';
import { type AuditVerifyKeys, type SignedChainHead, signedHeadProblem } from './chain-head-signature';

/**
 * What verification found first:
 * - `altered`: a record's content no longer matches its hash, or a stored column disagrees with its payload;
 * - `missing`: a sequence is absent (a deleted record);
 * - `out-of-order`: a record's previous hash is not the previous record's hash (moved, reordered, spliced);
 * - `truncated`: records after the last one are gone (below a checkpoint, the witnessed head or the head row);
 * - `checkpoint`: a checkpoint (or the witnessed head) whose signature fails or whose hash is not the chain's.
 */
export type ChainViolationKind = 'altered' | 'missing' | 'out-of-order' | 'truncated' | 'checkpoint';

export interface ChainViolation {
  /** The first sequence at which the chain stops verifying. */
  readonly sequence: bigint;
  readonly kind: ChainViolationKind;
  /** What is wrong there, for a person; names sequences and columns, never record content. */
  readonly reason: string;
}

/** One stored record as verification reads it. */
export interface ChainRecord {
  readonly sequence: bigint;
  readonly id: string;
  readonly orgId: string;
  readonly prevHash: string;
  readonly hash: string;
  /** The event's protobuf bytes as stored. */
  readonly payload: Uint8Array;
  /** Columns stored beside the payload for queries (action, outcome, occurred_at, ...), as text. */
  readonly columns: Readonly<Record<string, string>>;
}

/** Records or checkpoints, streamed (pages of a database read) or in memory. */
export type ChainSource<T> = AsyncIterable<T> | Iterable<T>;

/** A trusted position to walk from: sequence 0 with GENESIS_HASH, or a verified checkpoint. */
export interface ChainAnchor {
  readonly sequence: bigint;
  readonly hash: string;
}

export interface ChainWalk {
  readonly orgId: string;
  readonly anchor: ChainAnchor;
  /** Last sequence to check; undefined for the whole chain. */
  readonly to?: bigint;
  /** Records after the anchor (up to `to`), ascending by sequence. */
  readonly records: ChainSource<ChainRecord>;
  /** Checkpoints after the anchor (up to `to`), ascending by sequence. */
  readonly checkpoints: ChainSource<SignedChainHead>;
  /** The head witnessed outside the database, when it was consulted. */
  readonly witness?: SignedChainHead;
  /** The sequence the database's head row claims, when known. */
  readonly storedHead?: bigint;
  readonly keys: AuditVerifyKeys;
  /** Re-derives the stored columns from a payload (same keys as ChainRecord.columns); throws when it does not decode. */
  readonly derive: (payload: Uint8Array) => Readonly<Record<string, string>>;
}

export interface ChainWalkResult {
  /** Absent when everything walked verifies. */
  readonly violation?: ChainViolation;
  /** Records checked. */
  readonly records: number;
  /** Checkpoints checked against the chain. */
  readonly checkpoints: number;
  /** Last sequence that verified (the anchor's when none did). */
  readonly lastSequence: bigint;
}

function iterate<T>(source: ChainSource<T>): AsyncIterator<T> | Iterator<T> {
  return Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : source[Symbol.iterator]();
}

const span = (from: bigint, to: bigint) => (from === to ? `record ${from} is` : `records ${from} to ${to} are`);

/** Why a record's stored form disagrees with itself, or undefined. */
function recordProblem(walk: ChainWalk, r: ChainRecord): string | undefined {
  if (r.orgId !== walk.orgId) return "its organisation column is not the chain's organisation";
  let recomputed: string;
  try {
    recomputed = chainHash({ prevHash: r.prevHash, sequence: r.sequence, id: r.id, orgId: r.orgId, payload: r.payload });
  } catch (err) {
    return `its hash cannot be recomputed (${(err as Error).message})`;
  }
  if (recomputed !== r.hash) return 'its content does not match its hash';
  let derived: Readonly<Record<string, string>>;
  try {
    derived = walk.derive(r.payload);
  } catch {
    return 'its payload does not decode';
  }
  for (const [column, value] of Object.entries(r.columns)) {
    if (derived[column] !== value) return `its ${column} column disagrees with its payload`;
  }
  return undefined;
}

/**
 * Walks one organisation's chain from a trusted anchor and returns the first violation. Holds one
 * record and one checkpoint at a time, so memory stays flat whatever the chain's length.
 *
 * Per record, in order: a gap before it is `missing`; a previous hash that is not the running hash is
 * `out-of-order`; a hash that does not recompute, or a column the payload contradicts, is `altered`.
 * A checkpoint at a record must carry a valid signature and that record's hash. After the last record,
 * a checkpoint, the witnessed head or the head row beyond it (within `to`) means `truncated`.
 */
export async function walkChain(walk: ChainWalk): Promise<ChainWalkResult> {
  let expected = walk.anchor.sequence + 1n;
  let running = walk.anchor.hash;
  let records = 0;
  let checkpoints = 0;
  const result = (violation?: ChainViolation): ChainWalkResult => ({
    ...(violation ? { violation } : {}),
    records,
    checkpoints,
    lastSequence: expected - 1n,
  });
  const fail = (sequence: bigint, kind: ChainViolationKind, reason: string) => result({ sequence, kind, reason });

  const witness = walk.witness;
  if (witness) {
    const problem = witness.orgId !== walk.orgId ? "it names another organisation" : signedHeadProblem(witness, walk.keys);
    if (problem) return fail(witness.sequence, 'checkpoint', `the witnessed head at ${witness.sequence}: ${problem}`);
  }
  const checkpointProblem = (cp: SignedChainHead) =>
    cp.orgId !== walk.orgId ? 'it names another organisation' : signedHeadProblem(cp, walk.keys);

  const pending = iterate(walk.checkpoints);
  let next = await pending.next();
  const records$ = iterate(walk.records);
  for (let step = await records$.next(); !step.done; step = await records$.next()) {
    const r = step.value;
    if (walk.to !== undefined && r.sequence > walk.to) {
      if (expected <= walk.to) return fail(expected, 'missing', `${span(expected, walk.to)} missing`);
      break;
    }
    if (r.sequence < expected) return fail(r.sequence, 'out-of-order', `record ${r.sequence} appears again after record ${expected - 1n}`);
    if (r.sequence > expected) return fail(expected, 'missing', `${span(expected, r.sequence - 1n)} missing`);
    if (r.prevHash !== running) return fail(r.sequence, 'out-of-order', `its previous hash is not the hash of record ${r.sequence - 1n}`);
    const problem = recordProblem(walk, r);
    if (problem) return fail(r.sequence, 'altered', problem);
    records += 1;
    running = r.hash;
    expected += 1n;
    for (; !next.done && next.value.sequence <= r.sequence; next = await pending.next()) {
      const cp = next.value;
      // At or below the anchor: verified by whoever chose the anchor.
      if (cp.sequence <= walk.anchor.sequence) continue;
      const cpProblem = checkpointProblem(cp) ?? (cp.hash === r.hash ? undefined : "its hash is not the chain's hash there");
      if (cpProblem) return fail(cp.sequence, 'checkpoint', `the checkpoint at ${cp.sequence}: ${cpProblem}`);
      checkpoints += 1;
    }
    if (witness && witness.sequence === r.sequence && witness.hash !== r.hash) {
      return fail(r.sequence, 'checkpoint', `the witnessed head at ${r.sequence}: its hash is not the chain's hash there`);
    }
  }

  const last = expected - 1n;
  while (!next.done && next.value.sequence <= last) next = await pending.next();
  const within = (sequence: bigint) => sequence > last && (walk.to === undefined || last < walk.to);
  if (!next.done) {
    const cp = next.value;
    const problem = checkpointProblem(cp);
    if (problem) return fail(cp.sequence, 'checkpoint', `the checkpoint at ${cp.sequence}: ${problem}`);
    if (within(cp.sequence)) return fail(last + 1n, 'truncated', `records after ${last} are gone: a checkpoint covers ${cp.sequence}`);
  }
  if (witness && within(witness.sequence)) {
    return fail(last + 1n, 'truncated', `records after ${last} are gone: the witnessed head is at ${witness.sequence}`);
  }
  if (walk.storedHead !== undefined && within(walk.storedHead)) {
    return fail(last + 1n, 'truncated', `records after ${last} are gone: the chain head row is at ${walk.storedHead}`);
  }
  return result();
}
