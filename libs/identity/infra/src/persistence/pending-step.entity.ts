import type { PendingPurpose } from '@ferry/identity/domain';
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** A single-use step between password and session, keyed by the SHA-256 of its token. */
@Entity({ name: 'pending_steps' })
@Index('ix_pending_steps_expires', ['expiresAt'])
export class PendingStepEntity {
  @PrimaryColumn({ name: 'token_hash', type: 'varchar', length: 64 })
  tokenHash!: string;

  @Column({ name: 'account_id', type: 'varchar', length: 36 })
  accountId!: string;

  /** The account's organisation (null for platform accounts), so the account is looked up scoped. */
  @Column({ name: 'org_id', type: 'varchar', length: 36, nullable: true })
  orgId!: string | null;

  @Column({ type: 'varchar', length: 16 })
  purpose!: PendingPurpose;

  /** Space-separated amr values gathered so far. */
  @Column({ type: 'varchar', length: 64 })
  amr!: string;

  @Column({ type: 'int' })
  attempts!: number;

  @Column({ name: 'expires_at', type: Date })
  expiresAt!: Date;
}
