import { Inject, Injectable } from '@nestjs/common';
import type { SsoTransaction, SsoTransactionRepository } from '@ferry/identity/application';
import type { SsoProviderName } from '@ferry/identity/domain';
import { EnvelopeCipher, SealedValue } from '@ferry/platform/crypto';
import { DataSource } from 'typeorm';
import { codeVerifierContext } from './sealed-context';
import { SsoTransactionEntity } from './sso-transaction.entity';
import { returnAll, returnedRows, toDate } from './sql-dialect';

/** The row as the DELETE returned it (column names, as the driver decoded them). */
interface DeletedRow {
  readonly org_id: string;
  readonly binding_hash: string;
  readonly provider: SsoProviderName;
  readonly tenant_id: string | null;
  readonly nonce: string;
  readonly code_verifier_sealed: string;
  readonly expires_at: unknown;
}

/** OIDC flows in progress. `take` deletes and returns in one statement, so a state is used once. */
@Injectable()
export class TypeormSsoTransactionRepository implements SsoTransactionRepository {
  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(EnvelopeCipher) private readonly cipher: EnvelopeCipher,
  ) {}

  async insert(tx: SsoTransaction): Promise<void> {
    const codeVerifier = await this.cipher.seal(tx.codeVerifier, codeVerifierContext(tx.stateHash, tx.orgId));
    await this.db.getRepository(SsoTransactionEntity).insert({ ...tx, codeVerifier });
  }

  /** An expired transaction is deleted too, but not returned. */
  async take(stateHash: string, now: Date): Promise<SsoTransaction | null> {
    const result = await this.db
      .createQueryBuilder()
      .delete()
      .from(SsoTransactionEntity)
      .where('state_hash = :stateHash', { stateHash })
      .returning(returnAll(this.db, 'delete'))
      .execute();
    const [row] = returnedRows(result.raw) as unknown as (DeletedRow | undefined)[];
    if (!row) return null;
    const expiresAt = toDate(row.expires_at);
    if (expiresAt <= now) return null;
    const sealed = SealedValue.parse(row.code_verifier_sealed);
    const codeVerifier = (
      await this.cipher.open(sealed, codeVerifierContext(stateHash, row.org_id))
    ).toString('utf8');
    return {
      stateHash,
      bindingHash: row.binding_hash,
      orgId: row.org_id,
      provider: row.provider,
      tenantId: row.tenant_id ?? null,
      nonce: row.nonce,
      codeVerifier,
      expiresAt,
    };
  }

  /** Housekeeping (not a port call): deletes flows that expired before `now`. */
  async purgeExpired(now: Date): Promise<number> {
    const result = await this.db
      .createQueryBuilder()
      .delete()
      .from(SsoTransactionEntity)
      .where('expires_at <= :now', { now })
      .execute();
    return result.affected ?? 0;
  }
}
