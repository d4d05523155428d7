import { Inject, Injectable } from '@nestjs/common';
import type { ConnectorRepository } from '@ferry/connectors/application';
import type { Connector } from '@ferry/connectors/domain';
import { EnvelopeCipher } from '@ferry/platform/crypto';
import { DataSource } from 'typeorm';
import { ConnectorEntity } from './connector.entity';

/** The encryption context that binds a sealed secret to its row: copied elsewhere, it will not open. */
export function secretContext(orgId: string, connectorId: string): Record<string, string> {
  return { org: orgId, connector: connectorId, field: 'secret' };
}

/** Stores connectors with their secret sealed; reads never return the secret. */
@Injectable()
export class TypeormConnectorRepository implements ConnectorRepository {
  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(EnvelopeCipher) private readonly cipher: EnvelopeCipher,
  ) {}

  async insertWithSecret(connector: Connector, secret: string): Promise<void> {
    const sealed = await this.cipher.seal(secret, secretContext(connector.orgId, connector.id));
    await this.db.getRepository(ConnectorEntity).insert({ ...connector, secret: sealed });
  }

  async remove(orgId: string, id: string): Promise<void> {
    await this.db.getRepository(ConnectorEntity).delete({ orgId, id });
  }

  async listByOrg(orgId: string): Promise<Connector[]> {
    const rows = await this.db.getRepository(ConnectorEntity).find({
      where: { orgId },
      order: { createdAt: 'ASC' },
      select: { id: true, orgId: true, name: true, kind: true, createdAt: true, secretFingerprint: true },
    });
    return rows.map(({ id, orgId: org, name, kind, createdAt, secretFingerprint }) => ({ id, orgId: org, name, kind, createdAt, secretFingerprint }));
  }
}
