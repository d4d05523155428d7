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

/**
 * Keeps the chain's signed evidence: after every committed batch it signs each extended
 * organisation's new head and hands it to the witness (outside the database), and stores it as a
 * checkpoint once the chain grew by `checkpointEvery` records since the last one. The periodic run
 * checkpoints every head that has moved since its last checkpoint.
 */
@Injectable()
export class ChainCheckpointer {
  private readonly logger = new Logger('AuditCheckpoints');
  /** Newest checkpointed sequence per organisation, as far as this replica knows. */
  private readonly checkpointed = new Map<string, bigint>();
  private witnessFailing = false;

  constructor(
    @Inject(AUDIT_CHAIN_STORE) private readonly chain: AuditChainStore,
    @Inject(CHAIN_SIGNER) private readonly signer: ChainSigner,
    @Inject(CHAIN_WITNESS) private readonly witness: ChainWitness,
    @Inject(AUDIT_CHAIN_OPTIONS) private readonly options: AuditChainOptions,
  ) {}

  /** Called once a batch committed, with the new heads of the organisations it extended. */
  async committed(heads: readonly ChainPosition[], now = new Date()): Promise<void> {
    if (heads.length === 0) return;
    const signed = heads.map((h) => this.signer.sign({ ...h, at: now }));
    const witnessed = await Promise.allSettled(signed.map((s) => this.witness.advanceHead(s)));
    const failed = witnessed.find((w): w is PromiseRejectedResult => w.status === 'rejected');
    // The chain stays valid without the witness; only truncation of the newest records goes unseen
    // until it catches up. Said once per outage, not once per batch.
    if (failed && !this.witnessFailing) this.logger.warn(`witness not updated: ${(failed.reason as Error)?.message ?? failed.reason}`);
    this.witnessFailing = failed !== undefined;
    for (const head of signed) {
      const last = await this.lastCheckpoint(head.orgId);
      if (head.sequence - last >= BigInt(this.options.checkpointEvery)) await this.save(head);
    }
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
