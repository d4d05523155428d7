import { Inject, Injectable } from '@nestjs/common';
import type { BeforeCommit, OnboardingStore, OnboardingTransaction, SpendOutcome } from '@ferry/connectors/application';
import type { Connector } from '@ferry/connectors/domain';
import { EnvelopeCipher } from '@ferry/platform/crypto';
import { DataSource, LessThan, Like, MoreThan, Not } from 'typeorm';
import { ConnectorEntity } from './connector.entity';
import { toRow } from './connector.mapper';
import { OnboardingTransactionEntity } from './onboarding-transaction.entity';
import { secretContext } from './secret-sealer';

/** The sealing context of a flow's PKCE verifier: bound to its organisation and connector. */
const PKCE_FIELD = 'pkce';
/** Spent and expired rows stay this long, so that a late replay is told apart from an unknown state. */
const KEEP_AFTER_EXPIRY_MS = 24 * 60 * 60_000;

/** Onboarding transactions over the onboarding_transactions table. */
@Injectable()
export class TypeormOnboardingStore implements OnboardingStore {
  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(EnvelopeCipher) private readonly cipher: EnvelopeCipher,
  ) {}

  async insert(transaction: OnboardingTransaction): Promise<void> {
    const row = await this.rowOf(transaction);
    await this.db.getRepository(OnboardingTransactionEntity).insert(row);
  }

  async insertWithConnector(connector: Connector, transaction: OnboardingTransaction, beforeCommit: BeforeCommit): Promise<void> {
    const row = await this.rowOf(transaction);
    await this.db.transaction(async (m) => {
      await m.getRepository(ConnectorEntity).insert(toRow(connector));
      await m.getRepository(OnboardingTransactionEntity).insert(row);
      await beforeCommit();
    });
  }

  async spend(stateHash: string, now: Date): Promise<SpendOutcome> {
    const repo = this.db.getRepository(OnboardingTransactionEntity);
    const row = await repo.findOneBy({ stateHash });
    if (!row) return { status: 'unknown' };
    // The one check-and-set: of concurrent callbacks, on any replica, exactly one changes the row. It
    // also drops the verifier, so a spent row holds nothing sealed.
    const result = await repo.update({ stateHash, spent: false, expiresAt: MoreThan(now) }, { spent: true, pkceSealed: null });
    if (result.affected !== 1) {
      const after = await repo.findOneBy({ stateHash });
      return { status: after?.spent ? 'replayed' : 'expired', transaction: transactionOf(row, null) };
    }
    const verifier = row.pkceSealed ? (await this.cipher.open(row.pkceSealed, secretContext(row.orgId, row.connectorId, PKCE_FIELD))).toString('utf8') : null;
    return { status: 'spent', transaction: transactionOf(row, verifier) };
  }

  async purgeExpired(now: Date): Promise<number> {
    const result = await this.db.getRepository(OnboardingTransactionEntity).delete({ expiresAt: LessThan(new Date(now.getTime() - KEEP_AFTER_EXPIRY_MS)) });
    return result.affected ?? 0;
  }

  async tenantHeldElsewhere(orgId: string, tenantId: string): Promise<boolean> {
    // Settings are JSON text written by JSON.stringify (no spaces); the tenant id is a checked GUID,
    // so it carries no LIKE wildcard.
    if (!/^[0-9a-f-]{36}$/.test(tenantId)) return false;
    const count = await this.db.getRepository(ConnectorEntity).count({
      where: [{ orgId: Not(orgId), kind: 'microsoft-365', settings: Like(`%"auth":"admin-consent"%"tenantId":"${tenantId}"%`) }, { orgId: Not(orgId), kind: 'microsoft-365', settings: Like(`%"tenantId":"${tenantId}"%"auth":"admin-consent"%`) }],
    });
    return count > 0;
  }

  private async rowOf(t: OnboardingTransaction): Promise<OnboardingTransactionEntity> {
    return {
      stateHash: t.stateHash,
      kind: t.kind,
      orgId: t.orgId,
      connectorId: t.connectorId,
      pkceSealed: t.codeVerifier === null ? null : await this.cipher.seal(t.codeVerifier, secretContext(t.orgId, t.connectorId, PKCE_FIELD)),
      expectedSubject: t.expectedSubject,
      startedBy: t.startedBy,
      createdAt: t.createdAt,
      expiresAt: t.expiresAt,
      spent: false,
    };
  }
}

function transactionOf(row: OnboardingTransactionEntity, codeVerifier: string | null): OnboardingTransaction {
  return {
    stateHash: row.stateHash,
    kind: row.kind,
    orgId: row.orgId,
    connectorId: row.connectorId,
    codeVerifier,
    expectedSubject: row.expectedSubject,
    startedBy: row.startedBy,
    createdAt: new Date(row.createdAt),
    expiresAt: new Date(row.expiresAt),
  };
}
