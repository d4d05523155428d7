import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A one-time recovery code, stored as the SHA-256 of its normalised form. */
@Entity({ name: 'recovery_codes' })
export class RecoveryCodeEntity {
  @PrimaryColumn({ name: 'account_id', type: 'varchar', length: 36 })
  accountId!: string;

  @PrimaryColumn({ name: 'code_hash', type: 'varchar', length: 64 })
  codeHash!: string;

  @Column({ name: 'used_at', type: Date, nullable: true })
  usedAt!: Date | null;
}
