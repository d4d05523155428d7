import { Inject, Injectable } from '@nestjs/common';
import { EnvelopeCipher } from '@ferry/platform/crypto';
import type { JWK } from 'jose';
import { DataSource, IsNull, LessThan, MoreThan } from 'typeorm';
import type { SigningKeyRecord, SigningKeyStore } from '../tokens/signing-key.store';
import { signingKeyContext } from './sealed-context';
import { SigningKeyEntity } from './signing-key.entity';
import { violatedUniqueConstraint } from './unique-violation';

/**
 * Signing keys in SQL: public JWK in clear, private JWK sealed and bound to its key id. A row's
 * `retired_at` may lie in the future: the moment its pre-published successor takes over.
 */
@Injectable()
export class TypeormSigningKeyStore implements SigningKeyStore {
  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(EnvelopeCipher) private readonly cipher: EnvelopeCipher,
  ) {}

  async newest(count: number): Promise<SigningKeyRecord[]> {
    const rows = await this.db
      .getRepository(SigningKeyEntity)
      .find({ order: { generation: 'DESC' }, take: count });
    return Promise.all(rows.map((row) => this.toRecord(row)));
  }

  /**
   * The key of the highest generation, or null before the first key: the pre-published next key
   * when there is one, so not necessarily the one signing now (tests and tools; the signer uses `newest`).
   */
  async latest(): Promise<SigningKeyRecord | null> {
    return (await this.newest(1))[0] ?? null;
  }

  async insertNext(key: SigningKeyRecord, now: Date): Promise<boolean> {
    const sealed = await this.cipher.seal(JSON.stringify(key.privateJwk), signingKeyContext(key.kid));
    try {
      await this.db.transaction(async (tx) => {
        await tx.insert(SigningKeyEntity, {
          kid: key.kid,
          generation: key.generation,
          algorithm: 'ES256',
          publicJwk: JSON.stringify(key.publicJwk),
          privateJwk: sealed,
          createdAt: now,
          activatedAt: key.activatedAt,
          retiredAt: null,
        });
        // The older keys keep signing (and stay published) until the new one takes over.
        await tx.update(
          SigningKeyEntity,
          { generation: LessThan(key.generation), retiredAt: IsNull() },
          { retiredAt: key.activatedAt },
        );
      });
      return true;
    } catch (err) {
      // Another replica rotated first; its insert of this generation is the one that counts.
      if (violatedUniqueConstraint(err) !== null) return false;
      throw err;
    }
  }

  async published(retiredAfter: Date): Promise<{ kid: string; publicJwk: JWK }[]> {
    const rows = await this.db.getRepository(SigningKeyEntity).find({
      where: [{ retiredAt: IsNull() }, { retiredAt: MoreThan(retiredAfter) }],
      select: { kid: true, publicJwk: true, generation: true },
      order: { generation: 'DESC' },
    });
    return rows.map((r) => ({ kid: r.kid, publicJwk: JSON.parse(r.publicJwk) as JWK }));
  }

  async deleteRetiredBefore(cutoff: Date): Promise<number> {
    const result = await this.db.getRepository(SigningKeyEntity).delete({ retiredAt: LessThan(cutoff) });
    return result.affected ?? 0;
  }

  private async toRecord(row: SigningKeyEntity): Promise<SigningKeyRecord> {
    const privateJwk = JSON.parse(
      (await this.cipher.open(row.privateJwk, signingKeyContext(row.kid))).toString('utf8'),
    ) as JWK;
    return {
      kid: row.kid,
      generation: row.generation,
      publicJwk: JSON.parse(row.publicJwk) as JWK,
      privateJwk,
      activatedAt: row.activatedAt,
    };
  }
}
