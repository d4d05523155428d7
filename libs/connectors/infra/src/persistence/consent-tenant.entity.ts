import { Column, Entity, PrimaryColumn, Unique } from 'typeorm';

/**
 * Which organisation a Microsoft 365 tenant is bound to through the installation's app: one row per
 * tenant, so one organisation per tenant. An admin-consent connector names its tenant in
 * `connectors.consent_tenant_id`, whose foreign key (`consent_tenant_id`, `org_id`) must meet this
 * row: no connector of another organisation can hold the tenant, whatever runs concurrently.
 */
@Entity({ name: 'consent_tenants' })
@Unique('uq_consent_tenants_org', ['tenantId', 'orgId'])
export class ConsentTenantEntity {
  /** Entra tenant id, lower case. */
  @PrimaryColumn({ name: 'tenant_id', type: 'varchar', length: 36 })
  tenantId!: string;

  @Column({ name: 'org_id', type: 'varchar', length: 36 })
  orgId!: string;

  @Column({ name: 'claimed_at', type: Date })
  claimedAt!: Date;
}
