import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * Every refresh token a session ever issued, by SHA-256. Spent tokens stay until the session is
 * purged, so presenting any earlier token of the family is recognised as reuse.
 */
@Entity({ name: 'refresh_tokens' })
@Index('ix_refresh_tokens_session', ['sessionId'])
export class RefreshTokenEntity {
  @PrimaryColumn({ name: 'token_hash', type: 'varchar', length: 64 })
  tokenHash!: string;

  @Column({ name: 'session_id', type: 'varchar', length: 36 })
  sessionId!: string;

  @Column({ type: Boolean })
  spent!: boolean;

  @Column({ name: 'issued_at', type: Date })
  issuedAt!: Date;

  @Column({ name: 'spent_at', type: Date, nullable: true })
  spentAt!: Date | null;
}
