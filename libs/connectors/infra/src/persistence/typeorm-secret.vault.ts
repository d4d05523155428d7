import { Inject, Injectable } from '@nestjs/common';
import { type BeforeCommit, CLOCK, type Clock, type SecretInput, type SecretVault } from '@ferry/connectors/application';
import type { Connector, SecretMetadata } from '@ferry/connectors/domain';
import { DataSource, type EntityManager, In, IsNull, LessThan, Like, Not } from 'typeorm';
import { ConnectorEntity } from './connector.entity';
import { ConnectorSecretEntity } from './connector-secret.entity';
import { toRow } from './connector.mapper';
import { kekRefOf, SecretSealer } from './secret-sealer';

const USER_FIELDS = 'user/%';
/** Sealing runs this many at once: with Azure Key Vault each seal is a wrap call. */
const SEAL_CONCURRENCY = 16;
/**
 * Rows per INSERT: SQL Server takes at most 2,100 parameters a statement and TypeORM binds every column
 * (9 here), so 200 rows stay below it on either database; the delete's IN list is as long.
 */
const INSERT_CHUNK = 200;
/** last_used_at is written at most this often per secret, so a busy broker does not write on every use. */
const LAST_USED_RESOLUTION_MS = 60_000;

/** The credential vault over the connector_secrets table. Values are sealed before any write and never listed. */
@Injectable()
export class TypeormSecretVault implements SecretVault {
  private readonly lastUsedWritten = new Map<string, number>();

  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(SecretSealer) private readonly sealer: SecretSealer,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async put(next: Connector, secrets: readonly SecretInput[], beforeCommit: BeforeCommit): Promise<boolean> {
    const rows = await this.sealAll(next, secrets);
    return this.db.transaction(async (m) => {
      if (!(await this.bumpVersion(m, next))) return false;
      await this.upsert(m, next, rows);
      await beforeCommit();
      return true;
    });
  }

  async putUserCredentials(connector: Connector, entries: readonly SecretInput[], replaceAll: boolean, beforeCommit: BeforeCommit): Promise<boolean> {
    const rows = await this.sealAll(connector, entries);
    return this.db.transaction(async (m) => {
      // Locks the connector row for the transaction; its version moves only when a purged one revives.
      const touched = await m.getRepository(ConnectorEntity).update(
        { orgId: connector.orgId, id: connector.id, status: In(['active', 'credentials-removed']) },
        { status: 'active', version: () => "CASE WHEN status = 'active' THEN version ELSE version + 1 END", updatedAt: this.clock.now() },
      );
      if ((touched.affected ?? 0) !== 1) return false;
      if (replaceAll) await m.getRepository(ConnectorSecretEntity).delete({ orgId: connector.orgId, connectorId: connector.id, field: Like(USER_FIELDS) });
      await this.upsert(m, connector, rows);
      await beforeCommit();
      return true;
    });
  }

  async open(connector: Connector, field: string): Promise<string | null> {
    const row = await this.db.getRepository(ConnectorSecretEntity).findOneBy({ orgId: connector.orgId, connectorId: connector.id, field });
    if (!row) return null;
    const value = await this.sealer.open(row);
    await this.noteUse(row);
    return value;
  }

  async replace(connector: Connector, field: string, value: string, previous: string): Promise<boolean> {
    const row = await this.sealer.row(connector, { field, value, expiresAt: null });
    // Compare-and-set on the keyed fingerprint of the value the caller read.
    const result = await this.db
      .getRepository(ConnectorSecretEntity)
      .update(
        { orgId: connector.orgId, connectorId: connector.id, field, fingerprint: this.sealer.fingerprint(previous) },
        { sealed: row.sealed, kekRef: row.kekRef, fingerprint: row.fingerprint, createdAt: row.createdAt },
      );
    return (result.affected ?? 0) === 1;
  }

  async metadata(orgId: string, connectorId: string): Promise<SecretMetadata[]> {
    const rows = await this.db.getRepository(ConnectorSecretEntity).find({
      where: { orgId, connectorId, field: Not(Like(USER_FIELDS)) },
      select: { field: true, createdAt: true, expiresAt: true, lastUsedAt: true, fingerprint: true },
      order: { field: 'ASC' },
    });
    return rows.map((r) => ({
      field: r.field,
      createdAt: new Date(r.createdAt),
      expiresAt: r.expiresAt ? new Date(r.expiresAt) : null,
      lastUsedAt: r.lastUsedAt ? new Date(r.lastUsedAt) : null,
      fingerprint: r.fingerprint,
    }));
  }

  countUserCredentialsOlderThan(orgId: string, connectorId: string, before: Date): Promise<number> {
    return this.db.getRepository(ConnectorSecretEntity).countBy({ orgId, connectorId, field: Like(USER_FIELDS), createdAt: LessThan(before) });
  }

  countUserCredentials(orgId: string, connectorId: string): Promise<number> {
    return this.db.getRepository(ConnectorSecretEntity).countBy({ orgId, connectorId, field: Like(USER_FIELDS) });
  }

  async sampleUserCredentials(orgId: string, connectorId: string, limit: number): Promise<string[]> {
    const rows = await this.db.getRepository(ConnectorSecretEntity).find({
      where: { orgId, connectorId, field: Like(USER_FIELDS) },
      select: { field: true },
      order: { field: 'ASC' },
      take: limit,
    });
    return rows.map((r) => r.field);
  }

  async purge(connectors: readonly Connector[], beforeCommit: BeforeCommit): Promise<number> {
    const [first] = connectors;
    if (!first) return 0;
    return this.db.transaction(async (m) => {
      // Each connector is marked first, and only while it still carries the tag it was chosen by: one
      // re-tagged or deleted since the caller listed it is left alone (the UPDATE also locks the row).
      const marked: string[] = [];
      for (const c of connectors) {
        // version + 1 in SQL: a version read before the transaction may be stale, and must never go back.
        const result = await m
          .getRepository(ConnectorEntity)
          .update(
            { orgId: c.orgId, id: c.id, projectTag: c.projectTag ?? IsNull() },
            { status: 'credentials-removed', version: () => 'version + 1', updatedAt: this.clock.now() },
          );
        if ((result.affected ?? 0) === 1) marked.push(c.id);
      }
      if (marked.length === 0) return 0;
      const deleted = await m.getRepository(ConnectorSecretEntity).delete({ orgId: first.orgId, connectorId: In(marked) });
      await beforeCommit();
      return deleted.affected ?? 0;
    });
  }

  private async sealAll(connector: Connector, secrets: readonly SecretInput[]): Promise<ConnectorSecretEntity[]> {
    const rows: ConnectorSecretEntity[] = new Array<ConnectorSecretEntity>(secrets.length);
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < secrets.length; i = next++) rows[i] = await this.sealer.row(connector, secrets[i]!);
    };
    await Promise.all(Array.from({ length: Math.min(SEAL_CONCURRENCY, secrets.length) }, worker));
    return rows;
  }

  private async bumpVersion(m: EntityManager, next: Connector): Promise<boolean> {
    const { id, orgId, createdAt: _created, ...changes } = toRow(next);
    const result = await m.getRepository(ConnectorEntity).update({ id, orgId, version: next.version - 1 }, changes);
    return (result.affected ?? 0) === 1;
  }

  private async upsert(m: EntityManager, connector: Connector, rows: readonly ConnectorSecretEntity[]): Promise<void> {
    const repo = m.getRepository(ConnectorSecretEntity);
    for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
      const chunk = rows.slice(i, i + INSERT_CHUNK);
      await repo.delete({ orgId: connector.orgId, connectorId: connector.id, field: In(chunk.map((r) => r.field)) });
      await repo.insert(chunk);
    }
  }

  private async noteUse(row: ConnectorSecretEntity): Promise<void> {
    const key = `${row.connectorId}/${row.field}`;
    const now = this.clock.now();
    if (now.getTime() - (this.lastUsedWritten.get(key) ?? 0) < LAST_USED_RESOLUTION_MS) return;
    this.lastUsedWritten.set(key, now.getTime());
    if (this.lastUsedWritten.size > 50_000) this.lastUsedWritten.clear();
    await this.db.getRepository(ConnectorSecretEntity).update({ connectorId: row.connectorId, field: row.field, kekRef: kekRefOf(row.sealed) }, { lastUsedAt: now });
  }
}
