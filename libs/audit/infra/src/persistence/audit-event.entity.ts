import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One appended audit event; rows are never updated, and deleted only by the retention purge. The
 * indexes beside (org_id, sequence) serve the query filters, each ending in sequence so a filtered
 * page is read newest first (or a session oldest first) without a sort. Migration 1736000000000
 * creates them; on PostgreSQL the action index uses varchar_pattern_ops so a prefix LIKE can use it.
 */
@Entity({ name: 'events' })
@Index('ux_events_org_sequence', ['orgId', 'sequence'], { unique: true })
@Index('ix_events_org_actor', ['orgId', 'actorId', 'sequence'])
@Index('ix_events_org_target', ['orgId', 'targetType', 'targetId', 'sequence'])
@Index('ix_events_org_session', ['orgId', 'sessionId', 'sequence'])
@Index('ix_events_org_action', ['orgId', 'action', 'sequence'])
@Index('ix_events_org_occurred', ['orgId', 'occurredAt'])
export class AuditEventEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  /** Empty string for installation-level events. */
  @Column({ name: 'org_id', type: 'varchar', length: 36 })
  orgId!: string;

  /** 1-based position in the organisation's chain; bigint comes back from drivers as a string. */
  @Column({ type: 'bigint' })
  sequence!: string;

  // Left to the driver where dialects differ (timestamptz / datetimeoffset); the migration states the
  // exact column type.
  @Column({ name: 'occurred_at', type: Date })
  occurredAt!: Date;

  /** When the audit service stored it (not covered by the chain hash). */
  @Column({ name: 'recorded_at', type: Date })
  recordedAt!: Date;

  @Column({ type: 'varchar', length: 128 })
  action!: string;

  @Column({ type: 'varchar', length: 16 })
  outcome!: string;

  // The query columns below hold the payload's values fitted by fitColumn (@ferry/audit/domain);
  // verification re-derives them from the payload. nvarchar on SQL Server (see the migration).

  /** account, service, anonymous or unspecified. */
  @Column({ name: 'actor_kind', type: 'varchar', length: 16 })
  actorKind!: string;

  @Column({ name: 'actor_id', type: 'varchar', length: 256 })
  actorId!: string;

  @Column({ name: 'target_type', type: 'varchar', length: 64 })
  targetType!: string;

  @Column({ name: 'target_id', type: 'varchar', length: 256 })
  targetId!: string;

  /** The sign-in session the action came from; empty when none. */
  @Column({ name: 'session_id', type: 'varchar', length: 128 })
  sessionId!: string;

  /**
   * The event exactly as published (protobuf bytes, base64), so nothing a publisher sent is lost or
   * reshaped. Text rather than a binary type because TypeORM has no binary type valid on both dialects.
   */
  @Column({ type: 'text' })
  payload!: string;

  /** The hash of the organisation's previous record (64 hex; zeros for the first). */
  @Column({ name: 'prev_hash', type: 'char', length: 64 })
  prevHash!: string;

  /** SHA-256 of this record's canonical link (see @ferry/audit/domain chainHash). */
  @Column({ type: 'char', length: 64 })
  hash!: string;
}

/** Each organisation's chain head; its row lock serialises appends within the organisation. */
@Entity({ name: 'chain_heads' })
export class ChainHeadEntity {
  @PrimaryColumn({ name: 'org_id', type: 'varchar', length: 36 })
  orgId!: string;

  /** The last appended sequence (0 before the first record). */
  @Column({ type: 'bigint' })
  sequence!: string;

  /** That record's hash (zeros at sequence 0). */
  @Column({ type: 'char', length: 64 })
  hash!: string;
}

/** A signed chain head: the anchor verification starts from and checks the chain against. */
@Entity({ name: 'checkpoints' })
@Index('ix_checkpoints_org_created', ['orgId', 'createdAt'])
export class AuditCheckpointEntity {
  @PrimaryColumn({ name: 'org_id', type: 'varchar', length: 36 })
  orgId!: string;

  @PrimaryColumn({ type: 'bigint' })
  sequence!: string;

  @Column({ type: 'char', length: 64 })
  hash!: string;

  /** The signed time (part of the signed text). */
  @Column({ name: 'created_at', type: Date })
  createdAt!: Date;

  @Column({ name: 'key_id', type: 'varchar', length: 16 })
  keyId!: string;

  /** Ed25519 signature, base64. */
  @Column({ type: 'varchar', length: 100 })
  signature!: string;
}

/** An organisation's audit retention, when it set one. */
@Entity({ name: 'retention' })
export class AuditRetentionEntity {
  @PrimaryColumn({ name: 'org_id', type: 'varchar', length: 36 })
  orgId!: string;

  @Column({ type: 'int' })
  days!: number;

  @Column({ name: 'updated_at', type: Date })
  updatedAt!: Date;
}
