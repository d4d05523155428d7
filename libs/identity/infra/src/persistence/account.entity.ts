import { EncryptedColumn, type SealedValue } from '@ferry/platform/crypto';
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * An account with its credentials. The TOTP secret, the email and the real name are sealed, each bound
 * to the account id and its field.
 */
@Entity({ name: 'accounts' })
@Index('ux_accounts_login_name', ['loginName'], { unique: true })
@Index('ix_accounts_org', ['orgId', 'createdAt'])
export class AccountEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  /** null for platform accounts. */
  @Column({ name: 'org_id', type: 'varchar', length: 36, nullable: true })
  orgId!: string | null;

  @Column({ name: 'login_name', type: 'varchar', length: 64 })
  loginName!: string;

  @Column({ name: 'display_name', type: 'varchar', length: 100 })
  displayName!: string;

  /** Optional personal data: sealed, so a database dump or backup holds no address in clear. */
  @EncryptedColumn({ name: 'email_sealed', nullable: true })
  email!: SealedValue | null;

  @EncryptedColumn({ name: 'real_name_sealed', nullable: true })
  realName!: SealedValue | null;

  /** argon2id encoded hash; null for federated accounts. */
  @Column({ name: 'password_hash', type: 'varchar', length: 255, nullable: true })
  passwordHash!: string | null;

  @Column({ name: 'federated_issuer', type: 'varchar', length: 300, nullable: true })
  federatedIssuer!: string | null;

  @Column({ name: 'federated_subject', type: 'varchar', length: 255, nullable: true })
  federatedSubject!: string | null;

  @Column({ name: 'mfa_enrolled', type: Boolean })
  mfaEnrolled!: boolean;

  /** Pending (mfa_enrolled false) or enrolled secret. */
  @EncryptedColumn({ name: 'totp_secret_sealed', nullable: true })
  totpSecret!: SealedValue | null;

  /** Last accepted TOTP time step; bigint comes back from drivers as a string. */
  @Column({ name: 'totp_last_step', type: 'bigint', nullable: true })
  totpLastStep!: string | null;

  @Column({ name: 'created_at', type: Date })
  createdAt!: Date;
}
