import { Inject, Injectable } from '@nestjs/common';
import type { BeforeCommit, ConnectorRepository, SecretInput } from '@ferry/connectors/application';
import type { Connector } from '@ferry/connectors/domain';
import { DataSource } from 'typeorm';
import { ConnectorEntity } from './connector.entity';
import { ConnectorSecretEntity } from './connector-secret.entity';
import { toConnector, toRow } from './connector.mapper';
import { SecretSealer } from './secret-sealer';

/** Stores connectors; every query is scoped by organisation. Secrets are sealed on the way in by the SecretSealer. */
@Injectable()
export class TypeormConnectorRepository implements ConnectorRepository {
  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(SecretSealer) private readonly sealer: SecretSealer,
  ) {}

  async insert(connector: Connector, secrets: readonly SecretInput[], beforeCommit: BeforeCommit): Promise<void> {
    // Seal first: a KEK outage fails the request before a transaction is opened.
    const rows = await Promise.all(secrets.map((s) => this.sealer.row(connector, s)));
    await this.db.transaction(async (m) => {
      await m.getRepository(ConnectorEntity).insert(toRow(connector));
      if (rows.length > 0) await m.getRepository(ConnectorSecretEntity).insert(rows);
      await beforeCommit();
    });
  }

  async get(orgId: string, id: string): Promise<Connector | null> {
    const row = await this.db.getRepository(ConnectorEntity).findOneBy({ orgId, id });
    return row ? toConnector(row) : null;
  }

  async list(orgId: string): Promise<Connector[]> {
    const rows = await this.db.getRepository(ConnectorEntity).find({ where: { orgId }, order: { createdAt: 'ASC', id: 'ASC' } });
    return rows.map(toConnector);
  }

  async listByProject(orgId: string, projectTag: string): Promise<Connector[]> {
    const rows = await this.db.getRepository(ConnectorEntity).find({ where: { orgId, projectTag }, order: { createdAt: 'ASC', id: 'ASC' } });
    return rows.map(toConnector);
  }

  async update(next: Connector, expectedVersion: number, beforeCommit: BeforeCommit): Promise<boolean> {
    return this.db.transaction(async (m) => {
      const { id, orgId, createdAt: _created, ...changes } = toRow(next);
      const result = await m.getRepository(ConnectorEntity).update({ id, orgId, version: expectedVersion }, changes);
      if ((result.affected ?? 0) !== 1) return false;
      await beforeCommit();
      return true;
    });
  }

  async delete(orgId: string, id: string, beforeCommit: BeforeCommit): Promise<number | null> {
    return this.db.transaction(async (m) => {
      const secrets = await m.getRepository(ConnectorSecretEntity).delete({ orgId, connectorId: id });
      const result = await m.getRepository(ConnectorEntity).delete({ orgId, id });
      if ((result.affected ?? 0) !== 1) return null;
      await beforeCommit();
      return secrets.affected ?? 0;
    });
  }
}
