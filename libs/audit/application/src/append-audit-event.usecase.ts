import { Inject, Injectable } from '@nestjs/common';
import { type AuditEventSummary, type AuditViolation, validateAuditEvent } from '@ferry/audit/domain';
import { AuditAppendBatcher } from './audit-append.batcher';
import type { AppendOutcome } from './audit.ports';

/** Raised for an event that can never be appended; the consumer dead-letters it. */
export class InvalidAuditEventError extends Error {
  constructor(readonly violations: readonly AuditViolation[]) {
    super(`invalid audit event: ${violations.map((v) => `${v.field} ${v.reason}`).join('; ')}`);
    this.name = 'InvalidAuditEventError';
  }
}

/** Validates one audit event and appends it idempotently with the next batch. */
@Injectable()
export class AppendAuditEventUseCase {
  constructor(@Inject(AuditAppendBatcher) private readonly batcher: AuditAppendBatcher) {}

  async execute(summary: AuditEventSummary, encoded: Uint8Array): Promise<AppendOutcome> {
    const violations = validateAuditEvent(summary);
    if (violations.length > 0) throw new InvalidAuditEventError(violations);
    return this.batcher.submit({ summary, encoded });
  }
}
