import { EncryptedColumn, type SealedValue } from '@ferry/platform/crypto';
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One sealed secret of a connector: AES-256-GCM under its own data key, wrapped by the KEK, bound to
 * (org, connector, field) so a value copied to another row does not open.
 */
@Entity({ name: 'connector_secrets' })
@Index('ix_connector_secrets_kek', ['kekRef'])
@Index('ix_connector_secrets_org', ['orgId', 'connectorId'])
export class ConnectorSecretEntity {
  @PrimaryColumn({ name: 'connector_id', type: 'varchar', length: 36 })
  connectorId!: string;

  /** `client-secret`, `certificate-key`, … or `user/<pseudonym>` for a per-user credential. */
  @PrimaryColumn({ type: 'varchar', length: 96 })
  field!: string;

  @Column({ name: 'org_id', type: 'varchar', length: 36 })
  orgId!: string;

  @EncryptedColumn({ name: 'sealed' })
  sealed!: SealedValue;

  /** `<provider>:<key id>` of the KEK that wrapped the data key: what `rotate-kek` selects on. */
  @Column({ name: 'kek_ref', type: 'varchar', length: 600 })
  kekRef!: string;

  @Column({ type: 'varchar', length: 64 })
  fingerprint!: string;

  @Column({ name: 'created_at', type: Date })
  createdAt!: Date;

  @Column({ name: 'expires_at', type: Date, nullable: true })
  expiresAt!: Date | null;

  @Column({ name: 'last_used_at', type: Date, nullable: true })
  lastUsedAt!: Date | null;
}
