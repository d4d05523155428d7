import type { ConnectorKindName, ConnectorStatus } from '@ferry/connectors/domain';
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** A connector row: metadata and non-secret settings only; secrets are rows of connector_secrets. */
@Entity({ name: 'connectors' })
@Index('ix_connectors_org', ['orgId', 'createdAt'])
@Index('ix_connectors_project', ['orgId', 'projectTag'])
@Index('ix_connectors_consent_tenant', ['consentTenantId', 'orgId'])
export class ConnectorEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'org_id', type: 'varchar', length: 36 })
  orgId!: string;

  @Column({ type: 'varchar', length: 400 })
  name!: string;

  @Column({ type: 'varchar', length: 32 })
  kind!: ConnectorKindName;

  /** JSON of the kind's non-secret settings (tenant, client id, endpoints, certificate's public part, IMAP server). */
  @Column({ type: 'text' })
  settings!: string;

  /** Comma-separated workloads. */
  @Column({ type: 'varchar', length: 200 })
  workloads!: string;

  @Column({ name: 'project_tag', type: 'varchar', length: 64, nullable: true })
  projectTag!: string | null;

  @Column({ type: 'varchar', length: 24 })
  status!: ConnectorStatus;

  /**
   * The tenant an admin-consent connector holds once its consent completed, else null. Derived from
   * the settings on every write; its foreign key to consent_tenants keeps a tenant to one organisation.
   */
  @Column({ name: 'consent_tenant_id', type: 'varchar', length: 36, nullable: true })
  consentTenantId!: string | null;

  @Column({ type: 'int' })
  version!: number;

  // The driver picks the dialect's type; the migration states the exact one.
  @Column({ name: 'created_at', type: Date })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: Date })
  updatedAt!: Date;
}
