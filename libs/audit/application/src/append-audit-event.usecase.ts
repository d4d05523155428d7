import { Inject, Injectable } from '@nestjs/common';
import { type AuditEventSummary, type AuditViolation, validateAuditEvent } from '@ferry/audit/domain';
import { AUDIT_STORE, type AuditStore } from './audit.ports';

/** Raised for an event that can never be appended; the consumer dead-letters it. */
export class InvalidAuditEventError extends Error {
  constructor(readonly violations: readonly AuditViolation[]) {
    super(`invalid audit event: ${violations.map((v) => `${v.field} ${v.reason}`).join('; ')}`);
    this.name = 'InvalidAuditEventError';
  }
}

/** Validates and appends one audit event idempotently. */
@Injectable()
export class AppendAuditEventUseCase {
  constructor(@Inject(AUDIT_STORE) private readonly store: AuditStore) {}

  async execute(summary: AuditEventSummary, encoded: Uint8Array): Promise<{ sequence: bigint; duplicate: boolean }> {
    const violations = validateAuditEvent(summary);
    if (violations.length > 0) throw new InvalidAuditEventError(violations);
    return this.store.append(summary, encoded);
  }
}
