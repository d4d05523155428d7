import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  AUDIT_CHAIN_OPTIONS,
  AUDIT_CHAIN_STORE,
  AUDIT_RETENTION_STORE,
  AUDIT_TRAIL,
  type AuditChainOptions,
  type AuditChainStore,
  type AuditRetentionStore,
  type AuditTrail,
  CHAIN_WITNESS,
  type ChainWitness,
} from './audit.ports';

const DAY_MS = 24 * 60 * 60 * 1000;

/** What one organisation's purge removed. */
export interface AuditPurge {
  readonly orgId: string;
  /** The checkpoint kept as the anchor of the remaining chain. */
  readonly through: bigint;
  readonly records: number;
}

/**
 * Retention: deletes each organisation's records older than its retention, but only whole
 * checkpoint intervals, so what remains starts right after a kept, signed checkpoint and verifies
 * from it. The newest checkpoint signed before the cut-off bounds the purge (every record at or
 * below it was appended before it was signed). Each interval goes in its own transaction, oldest
 * first, so an interrupted purge also leaves a chain anchored at a checkpoint. The new floor is
 * witnessed and the purge audited before anything is deleted; an interrupted purge is finished by
 * the next run (and audited again for what was left).
 *
 * Independent of the 90-day purge of migration data: that one never touches the audit schema.
 */
@Injectable()
export class PurgeAuditRecordsUseCase {
  private readonly logger = new Logger('AuditRetention');

  constructor(
    @Inject(AUDIT_CHAIN_STORE) private readonly chain: AuditChainStore,
    @Inject(AUDIT_RETENTION_STORE) private readonly retention: AuditRetentionStore,
    @Inject(CHAIN_WITNESS) private readonly witness: ChainWitness,
    @Inject(AUDIT_TRAIL) private readonly trail: AuditTrail,
    @Inject(AUDIT_CHAIN_OPTIONS) private readonly options: AuditChainOptions,
  ) {}

  /** Purges every organisation; one organisation's failure does not stop the others. */
  async execute(now = new Date()): Promise<AuditPurge[]> {
    const purged: AuditPurge[] = [];
    for (const orgId of await this.chain.organisations()) {
      try {
        const done = await this.purgeOrganisation(orgId, now);
        if (done) purged.push(done);
      } catch (err) {
        this.logger.warn(`audit purge of organisation ${orgId || 'platform'} stopped: ${(err as Error).message}`);
      }
    }
    return purged;
  }

  async purgeOrganisation(orgId: string, now = new Date()): Promise<AuditPurge | undefined> {
    const days = (await this.retention.days(orgId)) ?? this.options.defaultRetentionDays;
    const cutoff = new Date(now.getTime() - days * DAY_MS);
    const target = await this.chain.checkpointSignedBefore(orgId, cutoff);
    if (!target) return undefined;
    const { first } = await this.chain.extent(orgId);
    if (first === undefined || first > target.sequence) return undefined;
    // Witness first: if the purge stops half-way, the witness allows more than was deleted, never less.
    await this.witness.advanceFloor(target);
    // Audited before anything is deleted: a purge the trail cannot record does not happen.
    const records = Number(target.sequence - first + 1n);
    await this.trail.record({
      orgId,
      actor: { kind: 'service', id: 'audit' },
      action: 'audit.records.purged',
      targetType: 'audit_chain',
      targetId: orgId || 'platform',
      detail: { from: first.toString(), through: target.sequence.toString(), records: String(records), retention_days: String(days) },
    });
    for await (const checkpoint of this.chain.checkpoints(orgId, first - 1n, target.sequence)) await this.chain.purgeThrough(checkpoint);
    return { orgId, through: target.sequence, records };
  }
}
