import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Account } from '@ferry/identity/domain';
import { IDENTITY_SERVICE_ACTOR, recordBeforeCommit } from '../audit-records';
import {
  ACCOUNT_REPOSITORY,
  AccountRepository,
  AlreadyExistsError,
  CLOCK,
  Clock,
  IDENTITY_AUDIT_TRAIL,
  IDENTITY_UNIT_OF_WORK,
  IdentityAuditEntry,
  IdentityAuditTrail,
  type IdentityUnitOfWork,
  PASSWORD_HASHER,
  PasswordHasher,
} from '../identity.ports';
import {
  BOOTSTRAP_ADMIN_SETTINGS,
  BootstrapPlatformAdminCommand,
  InvalidBootstrapSettingError,
} from './bootstrap-platform-admin.command';

/** What a bootstrap run did: created the admin, found one already, or had nothing configured. */
export type BootstrapOutcome =
  | { readonly outcome: 'created'; readonly accountId: string }
  | { readonly outcome: 'already-present' }
  | { readonly outcome: 'not-configured' };

/**
 * Runs at identity start-up: when the installation has no platform admin and one is configured,
 * creates it (no organisation, role platform-admin, TOTP enrolment at first sign-in) and audits it
 * as identity's own act, in one unit of work: an admin whose records the trail does not take is not
 * created, and the next start tries again. Idempotent: any later run, on any replica, finds the
 * admin and does nothing.
 */
@Injectable()
export class BootstrapPlatformAdminUseCase {
  constructor(
    @Inject(ACCOUNT_REPOSITORY) private readonly accounts: AccountRepository,
    @Inject(PASSWORD_HASHER) private readonly hasher: PasswordHasher,
    @Inject(IDENTITY_UNIT_OF_WORK) private readonly unitOfWork: IdentityUnitOfWork,
    @Inject(IDENTITY_AUDIT_TRAIL) private readonly audit: IdentityAuditTrail,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute(command: BootstrapPlatformAdminCommand): Promise<BootstrapOutcome> {
    if ((await this.accounts.countPlatformAdmins()) > 0) return { outcome: 'already-present' };
    const { admin } = command;
    if (!admin) return { outcome: 'not-configured' };
    await this.refuseTakenLoginName(admin.loginName);

    const account: Account = {
      id: randomUUID(),
      orgId: null,
      loginName: admin.loginName,
      displayName: admin.displayName,
      email: null,
      realName: null,
      roles: ['platform-admin'],
      mfaEnrolled: false,
      federated: null,
      createdAt: this.clock.now(),
    };
    const passwordHash = await this.hasher.hash(admin.password);
    const entry = (
      action: IdentityAuditEntry['action'],
      detail?: Record<string, string>,
    ): IdentityAuditEntry => ({
      orgId: null,
      actor: IDENTITY_SERVICE_ACTOR,
      action,
      target: { type: 'account', id: account.id },
      outcome: 'success',
      sourceAddress: '',
      userAgent: '',
      ...(detail ? { detail } : {}),
    });
    try {
      await this.unitOfWork.run(async (tx) => {
        await tx.accounts.insert(account, passwordHash);
        await recordBeforeCommit(this.audit, [
          entry('account.created'),
          entry('role.granted', { role: 'platform-admin' }),
        ]);
      });
    } catch (err) {
      // Two replicas starting together: the one that lost the insert finds the winner's admin.
      if (err instanceof AlreadyExistsError && (await this.accounts.countPlatformAdmins()) > 0)
        return { outcome: 'already-present' };
      throw err;
    }
    return { outcome: 'created', accountId: account.id };
  }

  private async refuseTakenLoginName(loginName: string): Promise<void> {
    if (await this.accounts.findByLoginName(loginName)) {
      throw new InvalidBootstrapSettingError(
        BOOTSTRAP_ADMIN_SETTINGS.loginName,
        'names an existing account; choose another login name',
      );
    }
  }
}
