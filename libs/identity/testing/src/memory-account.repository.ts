import type { Account, FederatedIdentity } from '@ferry/identity/domain';
import { type AccountRepository, AlreadyExistsError } from '@ferry/identity/application';
import type { RoleName } from '@ferry/platform/rbac';
import { type Staged, stageRows } from './staged-rows';

interface AccountRow {
  account: Account;
  passwordHash: string | null;
  totp: { secret: string; enrolled: boolean } | null;
  lastTotpStep: number | null;
  recoveryCodes: { hash: string; used: boolean }[];
}

/** In-memory AccountRepository honouring the port's contract (scoped lookups, conditional TOTP step, single-use codes). */
export class MemoryAccountRepository implements AccountRepository {
  constructor(private readonly rows = new Map<string, AccountRow>()) {}

  /** A copy for one unit of work (MemoryUnitOfWork): its writes reach this repository on commit. */
  stage(): Staged<MemoryAccountRepository> {
    return stageRows(this.rows, (rows) => new MemoryAccountRepository(rows));
  }

  /** Test helper: what is stored for an account (secrets included), or undefined. */
  stored(id: string): Readonly<AccountRow> | undefined {
    return this.rows.get(id);
  }

  async insert(account: Account, passwordHash: string | null): Promise<void> {
    for (const row of this.rows.values()) {
      if (row.account.loginName === account.loginName) throw new AlreadyExistsError('login name');
      const fed = row.account.federated;
      if (
        fed &&
        account.federated &&
        fed.issuer === account.federated.issuer &&
        fed.subject === account.federated.subject
      ) {
        throw new AlreadyExistsError('federated identity');
      }
    }
    if (this.rows.has(account.id)) throw new AlreadyExistsError('account');
    this.rows.set(account.id, {
      account: { ...account, roles: [...account.roles] },
      passwordHash,
      totp: null,
      lastTotpStep: null,
      recoveryCodes: [],
    });
  }

  async findByLoginName(
    loginName: string,
  ): Promise<{ account: Account; passwordHash: string | null } | null> {
    const row = [...this.rows.values()].find((r) => r.account.loginName === loginName);
    return row ? { account: { ...row.account }, passwordHash: row.passwordHash } : null;
  }

  async findById(orgId: string | null, id: string): Promise<Account | null> {
    const row = this.rows.get(id);
    return row && row.account.orgId === orgId ? { ...row.account } : null;
  }

  async findFederated(identity: FederatedIdentity): Promise<Account | null> {
    const row = [...this.rows.values()].find(
      (r) =>
        r.account.federated?.issuer === identity.issuer && r.account.federated.subject === identity.subject,
    );
    return row ? { ...row.account } : null;
  }

  async listByOrg(orgId: string): Promise<Account[]> {
    return [...this.rows.values()].filter((r) => r.account.orgId === orgId).map((r) => ({ ...r.account }));
  }

  async countPlatformAdmins(): Promise<number> {
    return [...this.rows.values()].filter((r) => r.account.roles.includes('platform-admin')).length;
  }

  async updatePasswordHash(id: string, passwordHash: string): Promise<void> {
    this.row(id).passwordHash = passwordHash;
  }

  async setRoles(id: string, roles: readonly RoleName[]): Promise<void> {
    const row = this.row(id);
    row.account = { ...row.account, roles: [...roles] };
  }

  async remove(id: string): Promise<void> {
    this.rows.delete(id);
  }

  async storePendingTotpSecret(id: string, secret: string): Promise<void> {
    const row = this.row(id);
    // Enrolment runs only for accounts without an enrolled secret (new, or after an MFA reset).
    if (row.totp?.enrolled) throw new Error('TOTP already enrolled; clear MFA first');
    row.totp = { secret, enrolled: false };
  }

  async readTotpSecret(id: string): Promise<{ secret: string; enrolled: boolean } | null> {
    const totp = this.row(id).totp;
    return totp ? { ...totp } : null;
  }

  async confirmTotp(id: string, step: number): Promise<void> {
    const row = this.row(id);
    if (!row.totp) throw new Error('no pending TOTP secret');
    row.totp = { secret: row.totp.secret, enrolled: true };
    row.lastTotpStep = step;
    row.account = { ...row.account, mfaEnrolled: true };
  }

  async advanceTotpStep(id: string, step: number): Promise<boolean> {
    const row = this.row(id);
    if (row.lastTotpStep !== null && step <= row.lastTotpStep) return false;
    row.lastTotpStep = step;
    return true;
  }

  async clearMfa(id: string): Promise<void> {
    const row = this.row(id);
    row.totp = null;
    row.lastTotpStep = null;
    row.recoveryCodes = [];
    row.account = { ...row.account, mfaEnrolled: false };
  }

  async replaceRecoveryCodes(id: string, codeHashes: readonly string[]): Promise<void> {
    this.row(id).recoveryCodes = codeHashes.map((hash) => ({ hash, used: false }));
  }

  async consumeRecoveryCode(id: string, codeHash: string): Promise<boolean> {
    const code = this.row(id).recoveryCodes.find((c) => c.hash === codeHash && !c.used);
    if (!code) return false;
    code.used = true;
    return true;
  }

  async remainingRecoveryCodes(id: string): Promise<number> {
    return this.row(id).recoveryCodes.filter((c) => !c.used).length;
  }

  private row(id: string): AccountRow {
    const row = this.rows.get(id);
    if (!row) throw new Error(`no account ${id}`);
    return row;
  }
}
