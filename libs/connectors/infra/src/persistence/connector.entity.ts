import type { ConnectorKindName } from '@ferry/connectors/domain';
import { EncryptedColumn, type SealedValue } from '@ferry/platform/crypto';
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** A connector row. The secret is stored sealed, bound to (org, connector, field). */
@Entity({ name: 'connectors' })
@Index('ix_connectors_org', ['orgId', 'createdAt'])
export class ConnectorEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'org_id', type: 'varchar', length: 36 })
  orgId!: string;

  @Column({ type: 'varchar', length: 400 })
  name!: string;

  @Column({ type: 'varchar', length: 32 })
  kind!: ConnectorKindName;

  // The driver picks the dialect's type; the migration states the exact one.
  @Column({ name: 'created_at', type: Date })
  createdAt!: Date;

  @Column({ name: 'secret_fingerprint', type: 'varchar', length: 64 })
  secretFingerprint!: string;

  @EncryptedColumn({ name: 'secret_sealed' })
  secret!: SealedValue;
}
