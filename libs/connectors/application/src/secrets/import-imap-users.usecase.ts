import { Inject, Injectable } from '@nestjs/common';
import { userCredentialField } from '@ferry/connectors/domain';
import { auditBeforeCommit, type CallerInfo, changeEntry } from '../caller';
import { ConnectorNotFoundError, ConnectorStateError } from '../connectors.errors';
import {
  CLOCK,
  type Clock,
  CONNECTOR_AUDIT_TRAIL,
  CONNECTOR_REPOSITORY,
  type ConnectorAuditTrail,
  type ConnectorRepository,
  FINGERPRINTER,
  type Fingerprinter,
  SECRET_VAULT,
  type SecretVault,
} from '../connector.ports';
import { connectorRef } from '../connectors/connector-ref';
import { type CsvRowError, parseImapUsersCsv } from './imap-users.csv';

export interface ImportImapUsersResult {
  readonly imported: number;
  readonly errors: readonly CsvRowError[];
  readonly total: number;
}

/**
 * Stores per-user IMAP credentials from CSV, each sealed under the user's pseudonym (the address is
 * never stored in clear). All rows are checked first: with any error nothing is stored.
 */
@Injectable()
export class ImportImapUsersUseCase {
  constructor(
    @Inject(CONNECTOR_REPOSITORY) private readonly connectors: ConnectorRepository,
    @Inject(SECRET_VAULT) private readonly vault: SecretVault,
    @Inject(FINGERPRINTER) private readonly fingerprinter: Fingerprinter,
    @Inject(CONNECTOR_AUDIT_TRAIL) private readonly audit: ConnectorAuditTrail,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute(input: { orgId: string; connectorId: string; csv: string; replace: boolean; caller: CallerInfo }): Promise<ImportImapUsersResult> {
    const { orgId, connectorId } = connectorRef(input.orgId, input.connectorId);
    const current = await this.connectors.get(orgId, connectorId);
    if (!current) throw new ConnectorNotFoundError();
    if (current.settings.kind !== 'imap' || current.settings.auth !== 'per-user') throw new ConnectorStateError('only per-user IMAP connectors take a user list');
    const { rows, errors } = parseImapUsersCsv(input.csv);
    if (errors.length > 0) return { imported: 0, errors, total: await this.vault.countUserCredentials(orgId, connectorId) };
    const entries = rows.map((r) => ({
      field: userCredentialField(this.fingerprinter.pseudonym(r.address)),
      value: JSON.stringify({ username: r.username, password: r.password }),
      expiresAt: null,
    }));
    const stored = await this.vault.putUserCredentials(
      current,
      entries,
      input.replace,
      auditBeforeCommit(this.audit, [changeEntry(input.caller, orgId, connectorId, 'connector.imap_users.imported', { rows: String(rows.length), replace: String(input.replace) })]),
    );
    if (!stored) throw new ConnectorStateError('the connector was deleted or is waiting for consent');
    return { imported: rows.length, errors: [], total: await this.vault.countUserCredentials(orgId, connectorId) };
  }
}
