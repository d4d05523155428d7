import { Inject, Injectable } from '@nestjs/common';
import { type AccountRepository, AlreadyExistsError } from '@ferry/identity/application';
import type { Account, FederatedIdentity } from '@ferry/identity/domain';
import { DecryptionError, EnvelopeCipher, type SealedValue } from '@ferry/platform/crypto';
import type { RoleName } from '@ferry/platform/rbac';
import { DataSource, type EntityManager, IsNull } from 'typeorm';
import { Semaphore } from '../credentials/semaphore';
import { AccountEntity } from './account.entity';
import { ACCOUNT_COLUMNS, type AccountProfile, toAccount } from './account.mapper';
import { AccountRoleEntity } from './account-role.entity';
import { RecoveryCodeEntity } from './recovery-code.entity';
import { type AccountProfileField, accountProfileContext, totpSecretContext } from './sealed-context';
import { managerOf } from './unit-of-work-manager';
import { violatedUniqueConstraint } from './unique-violation';

// Every sealed value has its own data key, so each open may be a Key Vault unwrap: a listing opens a
// few at a time rather than all at once.
const PROFILE_OPENS_IN_FLIGHT = 8;

/**
 * Accounts, roles, TOTP and recovery codes. The TOTP secret, email and real name are sealed with the
 * account id and field as encryption context; replay protection and code consumption are single
 * conditional UPDATEs, so concurrent replicas cannot both accept the same code. Built over the data
 * source, each call is its own transaction; over a unit of work's manager, part of that one.
 */
@Injectable()
export class TypeormAccountRepository implements AccountRepository {
  private readonly db: EntityManager;

  constructor(
    @Inject(DataSource) db: DataSource | EntityManager,
    @Inject(EnvelopeCipher) private readonly cipher: EnvelopeCipher,
  ) {
    this.db = managerOf(db);
  }

  async insert(account: Account, passwordHash: string | null): Promise<void> {
    const email = await this.sealField(account.id, 'email', account.email);
    const realName = await this.sealField(account.id, 'real_name', account.realName);
    try {
      await this.db.transaction(async (tx) => {
        await tx.insert(AccountEntity, {
          id: account.id,
          orgId: account.orgId,
          loginName: account.loginName,
          displayName: account.displayName,
          email,
          realName,
          passwordHash,
          federatedIssuer: account.federated?.issuer ?? null,
          federatedSubject: account.federated?.subject ?? null,
          mfaEnrolled: false,
          totpSecret: null,
          totpLastStep: null,
          createdAt: account.createdAt,
        });
        await this.writeRoles(tx, account.id, account.roles);
      });
    } catch (err) {
      const constraint = violatedUniqueConstraint(err);
      if (constraint === null) throw err;
      if (constraint === 'ux_accounts_login_name') throw new AlreadyExistsError('login name');
      if (constraint === 'ux_accounts_federated') throw new AlreadyExistsError('federated identity');
      throw new AlreadyExistsError('account');
    }
  }

  async findByLoginName(
    loginName: string,
  ): Promise<{ account: Account; passwordHash: string | null } | null> {
    const row = await this.db
      .getRepository(AccountEntity)
      .findOne({ where: { loginName }, select: { ...ACCOUNT_COLUMNS, passwordHash: true } });
    if (!row) return null;
    return {
      account: toAccount(row, await this.openProfile(row), await this.rolesOf(row.id)),
      passwordHash: row.passwordHash,
    };
  }

  async findById(orgId: string | null, id: string): Promise<Account | null> {
    const row = await this.db
      .getRepository(AccountEntity)
      .findOne({ where: { id, orgId: orgId ?? IsNull() }, select: ACCOUNT_COLUMNS });
    return row ? toAccount(row, await this.openProfile(row), await this.rolesOf(row.id)) : null;
  }

  async findFederated(identity: FederatedIdentity): Promise<Account | null> {
    const row = await this.db.getRepository(AccountEntity).findOne({
      where: { federatedIssuer: identity.issuer, federatedSubject: identity.subject },
      select: ACCOUNT_COLUMNS,
    });
    return row ? toAccount(row, await this.openProfile(row), await this.rolesOf(row.id)) : null;
  }

  async listByOrg(orgId: string): Promise<Account[]> {
    const rows = await this.db
      .getRepository(AccountEntity)
      .find({ where: { orgId }, select: ACCOUNT_COLUMNS, order: { createdAt: 'ASC', loginName: 'ASC' } });
    // One query for every listed account's roles, joined rather than IN (SQL Server caps parameters).
    const roles = await this.db
      .getRepository(AccountRoleEntity)
      .createQueryBuilder('r')
      .innerJoin(AccountEntity, 'a', 'a.id = r.accountId')
      .where('a.orgId = :orgId', { orgId })
      .getMany();
    const byAccount = new Map<string, RoleName[]>();
    for (const r of roles) byAccount.set(r.accountId, [...(byAccount.get(r.accountId) ?? []), r.role]);
    const opening = new Semaphore(PROFILE_OPENS_IN_FLIGHT);
    return Promise.all(
      rows.map(async (row) =>
        toAccount(row, await opening.run(() => this.openProfile(row)), byAccount.get(row.id) ?? []),
      ),
    );
  }

  async countPlatformAdmins(): Promise<number> {
    return this.db.getRepository(AccountRoleEntity).count({ where: { role: 'platform-admin' } });
  }

  async updatePasswordHash(id: string, passwordHash: string): Promise<void> {
    await this.db.getRepository(AccountEntity).update({ id }, { passwordHash });
  }

  async setRoles(id: string, roles: readonly RoleName[]): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.delete(AccountRoleEntity, { accountId: id });
      await this.writeRoles(tx, id, roles);
    });
  }

  /** Roles, recovery codes and sessions go with it (foreign keys cascade). */
  async remove(id: string): Promise<void> {
    await this.db.getRepository(AccountEntity).delete({ id });
  }

  /**
   * Refuses (throws) when the account already has an enrolled secret: a new enrolment must follow
   * `clearMfa`, so an enrolled account never drops to a pending, unverified secret.
   */
  async storePendingTotpSecret(id: string, secret: string): Promise<void> {
    const sealed = await this.cipher.seal(secret, totpSecretContext(id));
    const result = await this.db
      .createQueryBuilder()
      .update(AccountEntity)
      .set({ totpSecret: sealed, mfaEnrolled: false, totpLastStep: null })
      .where('id = :id', { id })
      .andWhere('mfa_enrolled = :enrolled', { enrolled: false })
      .execute();
    if (result.affected !== 1)
      throw new Error('cannot store a pending TOTP secret: account not found or TOTP already enrolled');
  }

  async readTotpSecret(id: string): Promise<{ secret: string; enrolled: boolean } | null> {
    const row = await this.db
      .getRepository(AccountEntity)
      .findOne({ where: { id }, select: { id: true, totpSecret: true, mfaEnrolled: true } });
    if (!row?.totpSecret) return null;
    const secret = await this.cipher.open(row.totpSecret, totpSecretContext(id));
    return { secret: secret.toString('utf8'), enrolled: row.mfaEnrolled };
  }

  /** Throws when there is no pending secret (none stored, or a concurrent confirmation won). */
  async confirmTotp(id: string, step: number): Promise<void> {
    assertStep(step);
    const result = await this.db
      .createQueryBuilder()
      .update(AccountEntity)
      .set({ mfaEnrolled: true, totpLastStep: String(step) })
      .where('id = :id', { id })
      .andWhere('mfa_enrolled = :enrolled', { enrolled: false })
      .andWhere('totp_secret_sealed IS NOT NULL')
      .execute();
    if (result.affected !== 1) throw new Error('no pending TOTP secret to confirm');
  }

  async advanceTotpStep(id: string, step: number): Promise<boolean> {
    assertStep(step);
    const result = await this.db
      .createQueryBuilder()
      .update(AccountEntity)
      .set({ totpLastStep: String(step) })
      .where('id = :id', { id })
      .andWhere('(totp_last_step IS NULL OR totp_last_step < :step)', { step })
      .execute();
    return result.affected === 1;
  }

  async clearMfa(id: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.update(AccountEntity, { id }, { totpSecret: null, mfaEnrolled: false, totpLastStep: null });
      await tx.delete(RecoveryCodeEntity, { accountId: id });
    });
  }

  async replaceRecoveryCodes(id: string, codeHashes: readonly string[]): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.delete(RecoveryCodeEntity, { accountId: id });
      const unique = [...new Set(codeHashes)];
      if (unique.length > 0)
        await tx.insert(
          RecoveryCodeEntity,
          unique.map((codeHash) => ({ accountId: id, codeHash, usedAt: null })),
        );
    });
  }

  async consumeRecoveryCode(id: string, codeHash: string): Promise<boolean> {
    const result = await this.db
      .createQueryBuilder()
      .update(RecoveryCodeEntity)
      .set({ usedAt: new Date() })
      .where('account_id = :id', { id })
      .andWhere('code_hash = :codeHash', { codeHash })
      .andWhere('used_at IS NULL')
      .execute();
    return result.affected === 1;
  }

  async remainingRecoveryCodes(id: string): Promise<number> {
    return this.db.getRepository(RecoveryCodeEntity).count({ where: { accountId: id, usedAt: IsNull() } });
  }

  private async sealField(
    accountId: string,
    field: AccountProfileField,
    value: string | null,
  ): Promise<SealedValue | null> {
    return value === null ? null : this.cipher.seal(value, accountProfileContext(accountId, field));
  }

  private async openProfile(row: AccountEntity): Promise<AccountProfile> {
    const [email, realName] = await Promise.all([
      this.openField(row.id, 'email', row.email),
      this.openField(row.id, 'real_name', row.realName),
    ]);
    return { email, realName };
  }

  /** A value that does not open (copied from another row or field, altered) fails the read, naming only the field. */
  private async openField(
    accountId: string,
    field: AccountProfileField,
    sealed: SealedValue | null,
  ): Promise<string | null> {
    if (sealed === null) return null;
    try {
      return (await this.cipher.open(sealed, accountProfileContext(accountId, field))).toString('utf8');
    } catch (err) {
      // Other failures (provider, unknown key) already say what is wrong and carry no value either.
      if (err instanceof DecryptionError && err.reason === 'authentication-failed')
        throw new DecryptionError(
          err.reason,
          `account ${field} was sealed for another account or field, altered, or sealed under another key-encryption key`,
        );
      throw err;
    }
  }

  private async rolesOf(accountId: string): Promise<RoleName[]> {
    const rows = await this.db.getRepository(AccountRoleEntity).find({ where: { accountId } });
    return rows.map((r) => r.role);
  }

  private async writeRoles(tx: EntityManager, accountId: string, roles: readonly RoleName[]): Promise<void> {
    const unique = [...new Set(roles)];
    if (unique.length > 0)
      await tx.insert(
        AccountRoleEntity,
        unique.map((role) => ({ accountId, role })),
      );
  }
}

function assertStep(step: number): void {
  if (!Number.isSafeInteger(step) || step < 0)
    throw new RangeError('TOTP step must be a non-negative integer');
}
