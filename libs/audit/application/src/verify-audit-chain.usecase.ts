import { Inject, Injectable, Optional } from '@nestjs/common';
import {
  type ChainAnchor,
  type ChainViolation,
  GENESIS_HASH,
  MAX_STORED_SEQUENCE,
  type SignedChainHead,
  signedHeadProblem,
  walkChain,
} from '@ferry/audit/domain';
import { auditColumnsOfPayload } from './audit-event.columns';
import { AUDIT_CHAIN_STORE, type AuditChainStore, CHAIN_SIGNER, CHAIN_WITNESS, type ChainSigner, type ChainWitness } from './audit.ports';
import { InvalidAuditQueryError } from './query-audit-events.usecase';

/** What a verification of one organisation's chain found. */
export interface ChainVerification {
  readonly orgId: string;
  /** The first violation; absent when the range verifies. */
  readonly violation?: ChainViolation;
  readonly records: number;
  readonly checkpoints: number;
  readonly durationMs: number;
  /** The first sequence walked: one past the anchor (genesis, or a signed checkpoint). */
  readonly fromSequence: bigint;
  /** The last sequence that verified. */
  readonly lastSequence: bigint;
  /** The database's head row (0 before the first append). */
  readonly headSequence: bigint;
  /** Whether the witnessed head and floor were compared: not when no witness was given or it did not answer. */
  readonly witness: 'consulted' | 'unavailable' | 'not-configured';
}

export interface VerifyRange {
  /** First sequence to check (default: the oldest retained). */
  readonly from?: bigint;
  /** Last sequence to check (default: the head). */
  readonly to?: bigint;
}


/**
 * Verifies a range of one organisation's chain from a trusted anchor: genesis, or the newest signed
 * checkpoint at or below the range's start (so a range is never taken on the database's word alone).
 * Before walking it checks that the retained records start where the last retention purge left
 * them (the witnessed floor): a prefix deleted outside a purge is `missing`.
 */
@Injectable()
export class VerifyAuditChainUseCase {
  constructor(
    @Inject(AUDIT_CHAIN_STORE) private readonly chain: AuditChainStore,
    @Inject(CHAIN_SIGNER) private readonly signer: Pick<ChainSigner, 'verifyKeys'>,
    @Optional() @Inject(CHAIN_WITNESS) private readonly witness?: Pick<ChainWitness, 'head' | 'floor'>,
  ) {}

  async execute(rawOrgId: string, range: VerifyRange = {}): Promise<ChainVerification> {
    const started = performance.now();
    const orgId = rawOrgId.toLowerCase();
    const { from, to } = range;
    if (from !== undefined && (from < 1n || from > MAX_STORED_SEQUENCE)) throw new InvalidAuditQueryError('from', 'from must be a sequence of at least 1');
    if (to !== undefined && (to < 1n || to > MAX_STORED_SEQUENCE)) throw new InvalidAuditQueryError('to', 'to must be a sequence of at least 1');
    if (from !== undefined && to !== undefined && to < from) throw new InvalidAuditQueryError('to', 'to must not be below from');

    const extent = await this.chain.extent(orgId);
    const headSequence = extent.head?.sequence ?? 0n;
    const evidence = await this.witnessed(orgId);
    const keys = this.signer.verifyKeys;
    const done = (walked: { violation?: ChainViolation; records?: number; checkpoints?: number; fromSequence: bigint; lastSequence: bigint }): ChainVerification => ({
      orgId,
      ...(walked.violation ? { violation: walked.violation } : {}),
      records: walked.records ?? 0,
      checkpoints: walked.checkpoints ?? 0,
      durationMs: Math.round(performance.now() - started),
      fromSequence: walked.fromSequence,
      lastSequence: walked.lastSequence,
      headSequence,
      witness: evidence.state,
    });

    // Where retained records start: after the purge anchor, or (none retained) at the newest checkpoint.
    const floor = extent.first !== undefined ? extent.first - 1n : ((await this.chain.checkpointAtOrBelow(orgId, MAX_STORED_SEQUENCE))?.sequence ?? 0n);
    if (evidence.floor) {
      const problem = signedHeadProblem(evidence.floor, keys);
      if (problem) {
        const at = evidence.floor.sequence;
        return done({ violation: { sequence: at, kind: 'checkpoint', reason: `the witnessed purge floor at ${at}: ${problem}` }, fromSequence: 1n, lastSequence: 0n });
      }
    }
    const allowedFloor = evidence.state === 'consulted' ? (evidence.floor?.sequence ?? 0n) : floor;
    if (floor > allowedFloor) {
      return done({
        violation: { sequence: allowedFloor + 1n, kind: 'missing', reason: `records ${allowedFloor + 1n} to ${floor} are gone, but retention purged only up to ${allowedFloor}` },
        fromSequence: allowedFloor + 1n,
        lastSequence: allowedFloor,
      });
    }

    const start = from !== undefined && from - 1n > floor ? from - 1n : floor;
    let anchor: ChainAnchor = { sequence: 0n, hash: GENESIS_HASH };
    const checkpoint = start > 0n ? await this.chain.checkpointAtOrBelow(orgId, start) : undefined;
    // With nothing purged, a range below the first checkpoint is walked from genesis.
    if (checkpoint || floor > 0n) {
      if (!checkpoint || checkpoint.sequence < floor) {
        const after = checkpoint?.sequence ?? 0n;
        return done({
          violation: { sequence: after + 1n, kind: 'missing', reason: `records ${after + 1n} to ${floor} are gone and no checkpoint anchors the chain at ${floor}` },
          fromSequence: after + 1n,
          lastSequence: after,
        });
      }
      const problem = checkpoint.orgId === orgId ? signedHeadProblem(checkpoint, keys) : 'it names another organisation';
      if (problem) {
        return done({
          violation: { sequence: checkpoint.sequence, kind: 'checkpoint', reason: `the checkpoint at ${checkpoint.sequence}: ${problem}` },
          fromSequence: checkpoint.sequence,
          lastSequence: checkpoint.sequence - 1n,
        });
      }
      anchor = { sequence: checkpoint.sequence, hash: checkpoint.hash };
    }

    const walked = await walkChain({
      orgId,
      anchor,
      ...(to !== undefined ? { to } : {}),
      records: this.chain.records(orgId, anchor.sequence, to),
      checkpoints: this.chain.checkpoints(orgId, anchor.sequence, to),
      ...(evidence.head ? { witness: evidence.head } : {}),
      storedHead: headSequence,
      keys,
      derive: auditColumnsOfPayload,
    });
    return done({ ...walked, fromSequence: anchor.sequence + 1n });
  }

  private async witnessed(orgId: string): Promise<{ state: ChainVerification['witness']; head?: SignedChainHead; floor?: SignedChainHead }> {
    if (!this.witness) return { state: 'not-configured' };
    try {
      const [head, floor] = await Promise.all([this.witness.head(orgId), this.witness.floor(orgId)]);
      return { state: 'consulted', ...(head ? { head } : {}), ...(floor ? { floor } : {}) };
    } catch {
      return { state: 'unavailable' };
    }
  }
}
