import { Inject, Injectable } from '@nestjs/common';
import type { BeforeCommit, ConsentActivation, OnboardingStore, OnboardingTransaction, SpendOutcome } from '@ferry/connectors/application';
import type { Connector } from '@ferry/connectors/domain';
import { EnvelopeCipher } from '@ferry/platform/crypto';
import { DataSource, type EntityManager, LessThan, MoreThan, Not } from 'typeorm';
import { ConnectorEntity } from './connector.entity';
import { consentTenantOf, toRow } from './connector.mapper';
import { ConsentTenantEntity } from './consent-tenant.entity';
import { OnboardingTransactionEntity } from './onboarding-transaction.entity';
import { secretContext } from './secret-sealer';

/** The sealing context of a flow's PKCE verifier: bound to its organisation and connector. */
const PKCE_FIELD = 'pkce';
/** Spent and expired rows stay this long, so that a late replay is told apart from an unknown state. */
const KEEP_AFTER_EXPIRY_MS = 24 * 60 * 60_000;
/** An activation that lost a race on a tenant's claim runs again (and then sees who won). */
const ACTIVATION_ATTEMPTS = 3;
/** Unique and foreign-key violations: PostgreSQL's SQLSTATEs and SQL Server's error numbers. */
const CONSTRAINT_VIOLATIONS = new Set(['23505', '23503', '2627', '2601', '547']);

/** Thrown inside an activation's transaction to roll its claim back: the connector moved on meanwhile. */
class ConnectorMoved extends Error {}

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
    // A connector names a tenant only with its organisation's claim (the foreign key), so a connector
    // of another organisation naming it is that organisation's hold.
    return this.db.getRepository(ConnectorEntity).existsBy({ consentTenantId: tenantId.toLowerCase(), orgId: Not(orgId) });
  }

  async activateConsent(next: Connector, expectedVersion: number, beforeCommit: BeforeCommit): Promise<ConsentActivation> {
    const tenantId = consentTenantOf(next);
    if (tenantId === null) throw new Error('only a consented admin-consent connector is activated here');
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.db.transaction((m) => this.activateOnce(m, next, tenantId, expectedVersion, beforeCommit));
      } catch (err) {
        if (err instanceof ConnectorMoved) return 'connector-changed';
        // Another activation claimed the tenant, or a claim changed hands, between our read and write.
        if (attempt < ACTIVATION_ATTEMPTS && violatesConstraint(err)) continue;
        throw err;
      }
    }
  }

  /**
   * Claims the tenant for the connector's organisation (or finds it already claimed by it) and stores
   * the connector, in one transaction. A claim no connector refers to any more (its connectors were
   * deleted) passes to the new organisation; the foreign key refuses the move if a connector of the
   * holder refers to it meanwhile, and the unique key refuses a second first claim.
   */
  private async activateOnce(m: EntityManager, next: Connector, tenantId: string, expectedVersion: number, beforeCommit: BeforeCommit): Promise<ConsentActivation> {
    const claims = m.getRepository(ConsentTenantEntity);
    const claim = await claims.findOneBy({ tenantId });
    if (!claim) {
      await claims.insert({ tenantId, orgId: next.orgId, claimedAt: next.updatedAt });
    } else if (claim.orgId !== next.orgId) {
      if (await m.getRepository(ConnectorEntity).existsBy({ consentTenantId: tenantId })) return 'tenant-held-elsewhere';
      const moved = await claims.update({ tenantId, orgId: claim.orgId }, { orgId: next.orgId, claimedAt: next.updatedAt });
      if (moved.affected !== 1) return 'tenant-held-elsewhere';
    }
    const { id, orgId, createdAt: _created, ...changes } = toRow(next);
    const result = await m.getRepository(ConnectorEntity).update({ id, orgId, version: expectedVersion }, changes);
    if ((result.affected ?? 0) !== 1) throw new ConnectorMoved();
    await beforeCommit();
    return 'activated';
  }

  private async rowOf(t: OnboardingTransaction): Promise<OnboardingTransactionEntity> {
    return {
      stateHash: t.stateHash,
      kind: t.kind,
      orgId: t.orgId,
      connectorId: t.connectorId,
      pkceSealed: t.codeVerifier === null ? null : await this.cipher.seal(t.codeVerifier, secretContext(t.orgId, t.connectorId, PKCE_FIELD)),
      expectedSubject: t.expectedSubject,
      bindingHash: t.bindingHash,
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
    bindingHash: row.bindingHash,
    startedBy: row.startedBy,
    createdAt: new Date(row.createdAt),
    expiresAt: new Date(row.expiresAt),
  };
}

/** Whether a write failed on a unique key or a foreign key (never reads the driver's message: it can hold values). */
function violatesConstraint(err: unknown): boolean {
  const driver = (err as { driverError?: { code?: string; number?: number } }).driverError;
  return driver !== undefined && CONSTRAINT_VIOLATIONS.has(String(driver.code ?? driver.number ?? ''));
}
