import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** One appended audit event; rows are never updated or deleted by the service. */
@Entity({ name: 'events' })
@Index('ux_events_org_sequence', ['orgId', 'sequence'], { unique: true })
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

  @Column({ name: 'recorded_at', type: Date })
  recordedAt!: Date;

  @Column({ type: 'varchar', length: 128 })
  action!: string;

  @Column({ type: 'varchar', length: 16 })
  outcome!: string;

  /**
   * The event exactly as published (protobuf bytes, base64), so nothing a publisher sent is lost or
   * reshaped. Text rather than a binary type because TypeORM has no binary type valid on both dialects.
   */
  @Column({ type: 'text' })
  payload!: string;
}

/** The latest sequence per organisation; the row lock serialises appends within one organisation. */
@Entity({ name: 'chain_heads' })
export class ChainHeadEntity {
  @PrimaryColumn({ name: 'org_id', type: 'varchar', length: 36 })
  orgId!: string;

  @Column({ type: 'bigint' })
  sequence!: string;
}
