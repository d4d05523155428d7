import { Inject, Injectable, Logger } from '@nestjs/common';
import { MAX_STORED_SEQUENCE, type SignedChainHead } from '@ferry/audit/domain';
import {
  AUDIT_CHAIN_OPTIONS,
  AUDIT_CHAIN_STORE,
  type AuditChainOptions,
  type AuditChainStore,
  CHAIN_SIGNER,
  CHAIN_WITNESS,
  type ChainPosition,
  type ChainSigner,
  type ChainWitness,
} from './audit.ports';

/** Heads checkpointed per round of the periodic checkpoint, and rounds per run. */
const HEADS_PER_ROUND = 500;
const ROUNDS = 20;
/** Shortest time between two rounds of witness writes: how far the witness may trail the database. */
export const WITNESS_ROUND_MS = 200;

/**
 * Keeps the chain's signed evidence: after every committed batch it stores a signed checkpoint of
 * each organisation whose chain grew by `checkpointEvery` records since its last one, and passes the
 * new heads on to the witness (outside the database). The periodic run checkpoints every head that
 * has moved since its last checkpoint.
 */
@Injectable()
export class ChainCheckpointer {
  private readonly logger = new Logger('AuditCheckpoints');
  /** Newest checkpointed sequence per organisation, as far as this replica knows. */
  private readonly checkpointed = new Map<string, bigint>();
  private witnessFailing = false;
  /** Newest head per organisation not yet witnessed. */
  private readonly unwitnessed = new Map<string, ChainPosition>();
  private witnessRunning = false;
  private witnessing: Promise<void> = Promise.resolve();

  constructor(
    @Inject(AUDIT_CHAIN_STORE) private readonly chain: AuditChainStore,
    @Inject(CHAIN_SIGNER) private readonly signer: ChainSigner,
    @Inject(CHAIN_WITNESS) private readonly witness: ChainWitness,
    @Inject(AUDIT_CHAIN_OPTIONS) private readonly options: AuditChainOptions,
  ) {}

  /**
   * Called once a batch committed, with the new heads of the organisations it extended: stores a
   * checkpoint where one is due, and hands the heads to the witness without waiting for it.
   */
  async committed(heads: readonly ChainPosition[], now = new Date()): Promise<void> {
    if (heads.length === 0) return;
    for (const head of heads) {
      const seen = this.unwitnessed.get(head.orgId);
      if (!seen || seen.sequence < head.sequence) this.unwitnessed.set(head.orgId, head);
    }
    if (!this.witnessRunning) {
      this.witnessRunning = true;
      this.witnessing = this.witnessPending();
    }
    for (const head of heads) {
      const last = await this.lastCheckpoint(head.orgId);
      if (head.sequence - last >= BigInt(this.options.checkpointEvery)) await this.save(this.signer.sign({ ...head, at: now }));
    }
  }

  /** Resolves once every head handed in so far has been offered to the witness. */
  async witnessed(): Promise<void> {
    while (this.witnessRunning) await this.witnessing;
  }

  /**
   * Signs and witnesses the newest unwitnessed head of each organisation; heads arriving meanwhile
   * wait for the next round, so under load an organisation's witness moves once per round (at most
   * every WITNESS_ROUND_MS) rather than once per batch.
   */
  private async witnessPending(): Promise<void> {
    try {
      while (this.unwitnessed.size > 0) {
        const started = Date.now();
        await this.witnessRound(this.takeUnwitnessed());
        // Rounds at most every WITNESS_ROUND_MS: under load, one write per organisation per round.
        const rest = started + WITNESS_ROUND_MS - Date.now();
        if (this.unwitnessed.size > 0 && rest > 0) await new Promise((r) => setTimeout(r, rest));
      }
    } finally {
      // In the same tick as the last look at the queue, so a later commit starts a new round.
      this.witnessRunning = false;
    }
  }

  private takeUnwitnessed(): ChainPosition[] {
    const heads = [...this.unwitnessed.values()];
    this.unwitnessed.clear();
    return heads;
  }

  private async witnessRound(heads: readonly ChainPosition[]): Promise<void> {
    const now = new Date();
    const results = await Promise.allSettled(heads.map(async (h) => this.witness.advanceHead(this.signer.sign({ ...h, at: now }))));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    // The chain stays valid without the witness; only truncation of the newest records goes unseen
    // until it catches up. Said once per outage, not once per round.
    if (failed && !this.witnessFailing) this.logger.warn(`witness not updated: ${(failed.reason as Error)?.message ?? String(failed.reason)}`);
    this.witnessFailing = failed !== undefined;
  }

  /** Checkpoints every head that moved since its organisation's newest checkpoint; returns how many. */
  async checkpointMoved(now = new Date()): Promise<number> {
    let saved = 0;
    for (let round = 0; round < ROUNDS; round += 1) {
      const heads = await this.chain.headsAwaitingCheckpoint(HEADS_PER_ROUND);
      for (const head of heads) await this.save(this.signer.sign({ ...head, at: now }));
      saved += heads.length;
      if (heads.length < HEADS_PER_ROUND) break;
    }
    return saved;
  }

  private async save(head: SignedChainHead): Promise<void> {
    await this.chain.saveCheckpoint(head);
    this.checkpointed.set(head.orgId, head.sequence);
  }

  private async lastCheckpoint(orgId: string): Promise<bigint> {
    let last = this.checkpointed.get(orgId);
    if (last === undefined) {
      last = (await this.chain.checkpointAtOrBelow(orgId, MAX_STORED_SEQUENCE))?.sequence ?? 0n;
      this.checkpointed.set(orgId, last);
    }
    return last;
  }
}
