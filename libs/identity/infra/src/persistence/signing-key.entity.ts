import { EncryptedColumn, type SealedValue } from '@ferry/platform/crypto';
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * An access-token signing key. `generation` is unique: when two replicas rotate at once, only the
 * first insert of the next generation succeeds and the other reloads.
 */
@Entity({ name: 'signing_keys' })
@Index('ux_signing_keys_generation', ['generation'], { unique: true })
export class SigningKeyEntity {
  /** RFC 7638 thumbprint of the public key. */
  @PrimaryColumn({ type: 'varchar', length: 64 })
  kid!: string;

  @Column({ type: 'int' })
  generation!: number;

  @Column({ type: 'varchar', length: 16 })
  algorithm!: string;

  @Column({ name: 'public_jwk', type: 'text' })
  publicJwk!: string;

  @EncryptedColumn({ name: 'private_jwk_sealed' })
  privateJwk!: SealedValue;

  @Column({ name: 'created_at', type: Date })
  createdAt!: Date;

  @Column({ name: 'activated_at', type: Date })
  activatedAt!: Date;

  @Column({ name: 'retired_at', type: Date, nullable: true })
  retiredAt!: Date | null;
}
