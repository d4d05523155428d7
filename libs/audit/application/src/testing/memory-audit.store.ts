import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import {
  auditKeyId,
  type AuditQueryFilter,
  type ChainHead,
  chainHash,
  type ChainRecord,
  GENESIS_HASH,
  matchesAuditFilter,
  type SignedChainHead,
  signChainHead,
} from '@ferry/audit/domain';
import { auditColumns } from '../audit-event.columns';
import type {
  AppendBatchResult,
  AppendOutcome,
  AuditAppend,
  AuditChainStore,
  AuditStore,
  ChainExtent,
  ChainPosition,
  ChainSigner,
  ChainWitness,
  StoredAuditRecord,
} from '../audit.ports';

interface Row extends ChainRecord {
  readonly summary: AuditAppend['summary'];
  readonly recordedAt: Date;
}

/** The audit store in memory, chaining like the SQL one; for use-case specs. */
export class MemoryAuditStore implements AuditStore, AuditChainStore {
  readonly rows: Row[] = [];
  readonly heads = new Map<string, ChainPosition>();
  readonly saved: SignedChainHead[] = [];
  /** Batches appendBatch was called with, for assertions on batching. */
  readonly batches: number[] = [];
  /** Set to make the next appendBatch calls fail with this error (once each). */
  failNext: Error[] = [];

  async appendBatch(items: readonly AuditAppend[]): Promise<AppendBatchResult> {
    this.batches.push(items.length);
    const failure = this.failNext.shift();
    if (failure) throw failure;
    const outcomes: AppendOutcome[] = [];
    const touched = new Map<string, ChainPosition>();
    for (const { summary, encoded } of items) {
      const seen = this.rows.find((r) => r.id === summary.id);
      if (seen) {
        outcomes.push({ sequence: seen.sequence, duplicate: true });
        continue;
      }
      const head = this.heads.get(summary.orgId) ?? { orgId: summary.orgId, sequence: 0n, hash: GENESIS_HASH };
      const sequence = head.sequence + 1n;
      const hash = chainHash({ prevHash: head.hash, sequence, id: summary.id, orgId: summary.orgId, payload: encoded });
      this.rows.push({ sequence, id: summary.id, orgId: summary.orgId, prevHash: head.hash, hash, payload: encoded, columns: auditColumns(summary), summary, recordedAt: new Date() });
      const next = { orgId: summary.orgId, sequence, hash };
      this.heads.set(summary.orgId, next);
      touched.set(summary.orgId, next);
      outcomes.push({ sequence, duplicate: false });
    }
    return { outcomes, heads: [...touched.values()] };
  }

  async page(orgId: string, limit: number, before: bigint | undefined, filter: AuditQueryFilter = {}): Promise<StoredAuditRecord[]> {
    return this.rows
      .filter((r) => r.orgId === orgId && (before === undefined || r.sequence < before) && matchesAuditFilter(r.summary, filter))
      .sort((a, b) => (a.sequence < b.sequence ? 1 : -1))
      .slice(0, limit)
      .map((r) => ({ summary: r.summary, sequence: r.sequence, encoded: r.payload }));
  }

  async countMatching(orgId: string, filter: AuditQueryFilter, atMost: number): Promise<number> {
    return Math.min(atMost, this.rows.filter((r) => r.orgId === orgId && matchesAuditFilter(r.summary, filter)).length);
  }

  async sessionPage(orgId: string, sessionId: string, limit: number, after: bigint | undefined): Promise<StoredAuditRecord[]> {
    return this.rows
      .filter((r) => r.orgId === orgId && r.summary.sessionId === sessionId && (after === undefined || r.sequence > after))
      .sort((a, b) => (a.sequence < b.sequence ? -1 : 1))
      .slice(0, limit)
      .map((r) => ({ summary: r.summary, sequence: r.sequence, encoded: r.payload }));
  }

  async extent(orgId: string): Promise<ChainExtent> {
    const own = this.rows.filter((r) => r.orgId === orgId);
    const head = this.heads.get(orgId);
    return { ...(head ? { head } : {}), ...(own.length ? { first: own.reduce((m, r) => (r.sequence < m ? r.sequence : m), own[0]!.sequence) } : {}) };
  }

  async *records(orgId: string, after: bigint, to: bigint | undefined): AsyncIterable<ChainRecord> {
    yield* this.rows.filter((r) => r.orgId === orgId && r.sequence > after && (to === undefined || r.sequence <= to)).sort((a, b) => (a.sequence < b.sequence ? -1 : 1));
  }

  async *checkpoints(orgId: string, after: bigint, to: bigint | undefined): AsyncIterable<SignedChainHead> {
    yield* this.saved.filter((c) => c.orgId === orgId && c.sequence > after && (to === undefined || c.sequence <= to)).sort((a, b) => (a.sequence < b.sequence ? -1 : 1));
  }

  async checkpointAtOrBelow(orgId: string, sequence: bigint): Promise<SignedChainHead | undefined> {
    return this.saved.filter((c) => c.orgId === orgId && c.sequence <= sequence).sort((a, b) => (a.sequence < b.sequence ? 1 : -1))[0];
  }

  async checkpointSignedBefore(orgId: string, time: Date): Promise<SignedChainHead | undefined> {
    return this.saved.filter((c) => c.orgId === orgId && c.at < time).sort((a, b) => (a.sequence < b.sequence ? 1 : -1))[0];
  }

  async saveCheckpoint(checkpoint: SignedChainHead): Promise<void> {
    if (!this.saved.some((c) => c.orgId === checkpoint.orgId && c.sequence === checkpoint.sequence)) this.saved.push(checkpoint);
  }

  async headsAwaitingCheckpoint(limit: number): Promise<ChainPosition[]> {
    return [...this.heads.values()].filter((h) => h.sequence > 0n && !this.saved.some((c) => c.orgId === h.orgId && c.sequence === h.sequence)).slice(0, limit);
  }

  async organisations(): Promise<string[]> {
    return [...this.heads.keys()].sort();
  }

  async purgeThrough(checkpoint: SignedChainHead): Promise<number> {
    const before = this.rows.length;
    const keep = this.rows.filter((r) => !(r.orgId === checkpoint.orgId && r.sequence <= checkpoint.sequence));
    this.rows.splice(0, this.rows.length, ...keep);
    const cps = this.saved.filter((c) => !(c.orgId === checkpoint.orgId && c.sequence < checkpoint.sequence));
    this.saved.splice(0, this.saved.length, ...cps);
    return before - keep.length;
  }
}

/** A witness in memory. */
export class MemoryChainWitness implements ChainWitness {
  readonly heads = new Map<string, SignedChainHead>();
  readonly floors = new Map<string, SignedChainHead>();
  async head(orgId: string) {
    return this.heads.get(orgId);
  }
  async advanceHead(head: SignedChainHead) {
    const seen = this.heads.get(head.orgId);
    if (!seen || seen.sequence < head.sequence) this.heads.set(head.orgId, head);
  }
  async floor(orgId: string) {
    return this.floors.get(orgId);
  }
  async advanceFloor(floor: SignedChainHead) {
    const seen = this.floors.get(floor.orgId);
    if (!seen || seen.sequence < floor.sequence) this.floors.set(floor.orgId, floor);
  }
}

/** A signer over a fresh Ed25519 key pair. */
export class EphemeralChainSigner implements ChainSigner {
  readonly privateKey: KeyObject;
  readonly keyId: string;
  readonly verifyKeys: ReadonlyMap<string, KeyObject>;
  constructor() {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    this.privateKey = privateKey;
    this.keyId = auditKeyId(publicKey);
    this.verifyKeys = new Map([[this.keyId, publicKey]]);
  }
  sign(head: ChainHead): SignedChainHead {
    return signChainHead(head, this.privateKey, this.keyId);
  }
}
