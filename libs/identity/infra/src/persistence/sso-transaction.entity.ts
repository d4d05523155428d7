import type { SsoProviderName } from '@ferry/identity/domain';
import { EncryptedColumn, type SealedValue } from '@ferry/platform/crypto';
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** An OIDC flow in progress, keyed by the hash of its state; the PKCE verifier is sealed. */
@Entity({ name: 'sso_transactions' })
@Index('ix_sso_transactions_expires', ['expiresAt'])
export class SsoTransactionEntity {
  @PrimaryColumn({ name: 'state_hash', type: 'varchar', length: 64 })
  stateHash!: string;

  @Column({ name: 'binding_hash', type: 'varchar', length: 64 })
  bindingHash!: string;

  @Column({ name: 'org_id', type: 'varchar', length: 36 })
  orgId!: string;

  @Column({ type: 'varchar', length: 16 })
  provider!: SsoProviderName;

  /** The Entra tenant the flow was started for; null for Google. */
  @Column({ name: 'tenant_id', type: 'varchar', length: 36, nullable: true })
  tenantId!: string | null;

  @Column({ type: 'varchar', length: 128 })
  nonce!: string;

  @EncryptedColumn({ name: 'code_verifier_sealed' })
  codeVerifier!: SealedValue;

  @Column({ name: 'expires_at', type: Date })
  expiresAt!: Date;
}
