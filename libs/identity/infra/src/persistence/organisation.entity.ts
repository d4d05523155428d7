import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A customer organisation; its SSO settings are one JSON document (read and written whole). */
@Entity({ name: 'organisations' })
export class OrganisationEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Column({ name: 'mfa_required', type: Boolean })
  mfaRequired!: boolean;

  @Column({ name: 'sso_settings', type: 'text' })
  ssoSettings!: string;

  // The driver picks the dialect's type; the migration states the exact one.
  @Column({ name: 'created_at', type: Date })
  createdAt!: Date;
}
