import { Inject, Injectable } from '@nestjs/common';
import type { ConnectionReport } from '@ferry/providers/core';
import { auditBeforeCommit, type CallerInfo, changeEntry } from '../caller';
import { ConnectorNotFoundError, ConnectorStateError, InvalidCommandError } from '../connectors.errors';
import {
  CLOCK,
  type Clock,
  CONNECTION_TESTER,
  type ConnectionTester,
  CONNECTOR_AUDIT_TRAIL,
  CONNECTOR_REPOSITORY,
  type ConnectorAuditTrail,
  type ConnectorRepository,
  SECRET_VAULT,
  type SecretVault,
} from '../connector.ports';
import { connectorRef } from './connector-ref';
import { credentialAccess } from './credential-access';

/** Per-user logins a test tries: enough to catch a bad import, few enough not to trip the server's limits. */
export const TEST_LOGIN_SAMPLE = 5;

/**
 * Tests a connector against its tenant: credentials, then every permission or scope its workloads need,
 * with how to grant what is missing. Audited with its outcome (never its secrets).
 */
@Injectable()
export class TestConnectorUseCase {
  constructor(
    @Inject(CONNECTOR_REPOSITORY) private readonly connectors: ConnectorRepository,
    @Inject(SECRET_VAULT) private readonly vault: SecretVault,
    @Inject(CONNECTION_TESTER) private readonly tester: ConnectionTester,
    @Inject(CONNECTOR_AUDIT_TRAIL) private readonly audit: ConnectorAuditTrail,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute(input: { orgId: string; connectorId: string; sampleMailbox?: string; caller: CallerInfo }): Promise<ConnectionReport & { durationMs: number }> {
    const { orgId, connectorId } = connectorRef(input.orgId, input.connectorId);
    const connector = await this.connectors.get(orgId, connectorId);
    if (!connector) throw new ConnectorNotFoundError();
    if (connector.status !== 'active') throw new ConnectorStateError(`the connector is ${connector.status}`);
    const started = this.clock.now().getTime();
    const fields = await this.vault.sampleUserCredentials(orgId, connectorId, TEST_LOGIN_SAMPLE);
    const samples = fields.map((field) => ({ field, label: `user:${field.slice('user/'.length, 'user/'.length + 8)}` }));
    const mailbox = input.sampleMailbox?.trim().toLowerCase() ?? '';
    if (mailbox.length > 254 || /[\s\p{Cc}]/u.test(mailbox)) throw new InvalidCommandError([{ field: 'sampleMailbox', reason: 'must be a mailbox address' }]);
    let report: ConnectionReport;
    try {
      report = await this.tester.test(connector, credentialAccess(this.vault, connector), samples, mailbox === '' ? null : mailbox);
    } catch (err) {
      // A test that could not run is a test too: the record says so (by error class, never its text).
      const code = (err as { code?: unknown }).code;
      const reason = typeof code === 'string' && /^[a-z-]{1,40}$/.test(code) ? code : err instanceof Error ? err.name.slice(0, 64) : 'error';
      await auditBeforeCommit(this.audit, [{ ...changeEntry(input.caller, orgId, connectorId, 'connector.tested', { ok: 'false', error: reason }), outcome: 'failure' }])();
      throw err;
    }
    const durationMs = this.clock.now().getTime() - started;
    const missing = report.findings.filter((f) => f.status !== 'ok').map((f) => f.check);
    await auditBeforeCommit(this.audit, [
      {
        ...changeEntry(input.caller, orgId, connectorId, 'connector.tested', { ok: String(report.ok), notOk: missing.join(',').slice(0, 500) }),
        outcome: report.ok ? 'success' : 'failure',
      },
    ])();
    return { ...report, durationMs };
  }
}
