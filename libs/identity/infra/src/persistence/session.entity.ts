import type { SessionRevokeReason } from '@ferry/identity/domain';
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** A session: one refresh-token family. Its tokens are in `refresh_tokens`. */
@Entity({ name: 'sessions' })
@Index('ix_sessions_account', ['accountId'])
export class SessionEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'account_id', type: 'varchar', length: 36 })
  accountId!: string;

  @Column({ name: 'org_id', type: 'varchar', length: 36, nullable: true })
  orgId!: string | null;

  /** Space-separated amr values (`pwd otp`). */
  @Column({ type: 'varchar', length: 64 })
  amr!: string;

  @Column({ name: 'subject_pseudonym', type: 'varchar', length: 64, nullable: true })
  subjectPseudonym!: string | null;

  @Column({ name: 'created_at', type: Date })
  createdAt!: Date;

  @Column({ name: 'last_used_at', type: Date })
  lastUsedAt!: Date;

  @Column({ name: 'idle_expires_at', type: Date })
  idleExpiresAt!: Date;

  @Column({ name: 'absolute_expires_at', type: Date })
  absoluteExpiresAt!: Date;

  @Column({ name: 'revoked_at', type: Date, nullable: true })
  revokedAt!: Date | null;

  @Column({ name: 'revoke_reason', type: 'varchar', length: 32, nullable: true })
  revokeReason!: SessionRevokeReason | null;
}
