import { Inject, Injectable } from '@nestjs/common';
import type { Connector } from '@ferry/connectors/domain';
import { CONNECTOR_REPOSITORY, type ConnectorRepository } from './connector.ports';

/** Lists one organisation's connectors (metadata only). */
@Injectable()
export class ListConnectorsUseCase {
  constructor(@Inject(CONNECTOR_REPOSITORY) private readonly connectors: ConnectorRepository) {}

  execute(orgId: string): Promise<Connector[]> {
    return this.connectors.listByOrg(orgId.toLowerCase());
  }
}
