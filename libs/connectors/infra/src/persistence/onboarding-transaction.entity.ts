import type { OnboardingKind } from '@ferry/connectors/application';
import { EncryptedColumn, type SealedValue } from '@ferry/platform/crypto';
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A started admin-consent or delegated-grant flow. The state is kept only as its SHA-256 (a database
 * reader cannot complete a flow), the PKCE verifier sealed and bound to (org, connector, `pkce`).
 */
@Entity({ name: 'onboarding_transactions' })
@Index('ix_onboarding_transactions_expiry', ['expiresAt'])
export class OnboardingTransactionEntity {
  /** Hex SHA-256 of the state. */
  @PrimaryColumn({ name: 'state_hash', type: 'varchar', length: 64 })
  stateHash!: string;

  @Column({ type: 'varchar', length: 16 })
  kind!: OnboardingKind;

  @Column({ name: 'org_id', type: 'varchar', length: 36 })
  orgId!: string;

  @Column({ name: 'connector_id', type: 'varchar', length: 36 })
  connectorId!: string;

  /** The PKCE verifier of a delegation until its state is spent; null for consent and once spent. */
  @EncryptedColumn({ name: 'pkce_sealed', nullable: true })
  pkceSealed!: SealedValue | null;

  /** Pseudonym of the account a delegation is for, when the link named one. */
  @Column({ name: 'expected_subject', type: 'varchar', length: 64, nullable: true })
  expectedSubject!: string | null;

  /** Hex SHA-256 of a delegation's browser binding; null for consent and for rows older than bindings. */
  @Column({ name: 'binding_hash', type: 'varchar', length: 64, nullable: true })
  bindingHash!: string | null;

  @Column({ name: 'started_by', type: 'varchar', length: 64 })
  startedBy!: string;

  @Column({ name: 'created_at', type: Date })
  createdAt!: Date;

  @Column({ name: 'expires_at', type: Date })
  expiresAt!: Date;

  // The driver picks the dialect's type (boolean, bit); the migration states the exact one.
  @Column({ type: Boolean })
  spent!: boolean;
}
