import { Inject, Injectable } from '@nestjs/common';
import {
  AUDIT_CHAIN_OPTIONS,
  AUDIT_RETENTION_STORE,
  AUDIT_TRAIL,
  type AuditChainOptions,
  type AuditRetentionStore,
  type AuditTrail,
} from './audit.ports';
import { InvalidAuditQueryError } from './query-audit-events.usecase';

/** Bounds of a retention setting, in days. */
export const MIN_RETENTION_DAYS = 1;
export const MAX_RETENTION_DAYS = 3650;

export interface AuditRetention {
  readonly days: number;
  /** False when the organisation set none and the installation default applies. */
  readonly configured: boolean;
}

/** Who changes a retention, for the audit record. */
export interface RetentionChanger {
  readonly accountId: string;
  readonly sourceAddress: string;
  readonly userAgent: string;
}

/** The audit stream did not take a change's event, so the change was not made (the caller may retry). */
export class AuditTrailUnavailableError extends Error {
  constructor() {
    super('the audit trail is unavailable; the change was not applied');
    this.name = 'AuditTrailUnavailableError';
  }
}

/** Reads and changes an organisation's audit retention; a change is audited or not made. */
@Injectable()
export class AuditRetentionUseCase {
  constructor(
    @Inject(AUDIT_RETENTION_STORE) private readonly store: AuditRetentionStore,
    @Inject(AUDIT_TRAIL) private readonly trail: AuditTrail,
    @Inject(AUDIT_CHAIN_OPTIONS) private readonly options: AuditChainOptions,
  ) {}

  async get(orgId: string): Promise<AuditRetention> {
    const days = await this.store.days(orgId.toLowerCase());
    return days === undefined ? { days: this.options.defaultRetentionDays, configured: false } : { days, configured: true };
  }

  /**
   * Sets the retention. The audit event is published inside the change's transaction: if the audit
   * stream does not take it, the change is rolled back and AuditTrailUnavailableError raised.
   */
  async set(rawOrgId: string, days: number, by: RetentionChanger): Promise<AuditRetention> {
    if (!Number.isInteger(days) || days < MIN_RETENTION_DAYS || days > MAX_RETENTION_DAYS) {
      throw new InvalidAuditQueryError('days', `days must be an integer ${MIN_RETENTION_DAYS}-${MAX_RETENTION_DAYS}`);
    }
    const orgId = rawOrgId.toLowerCase();
    const before = await this.get(orgId);
    await this.store.setDays(orgId, days, () =>
      this.trail
        .record({
          orgId,
          actor: { kind: 'account', id: by.accountId },
          action: 'audit.retention.updated',
          targetType: 'audit_retention',
          targetId: orgId,
          sourceAddress: by.sourceAddress,
          userAgent: by.userAgent,
          detail: { days: String(days), previous_days: String(before.days) },
        })
        .catch(() => {
          throw new AuditTrailUnavailableError();
        }),
    );
    return { days, configured: true };
  }
}
