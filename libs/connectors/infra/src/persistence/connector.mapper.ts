import type { Connector, ConnectorSettings, ConnectorWorkload } from '@ferry/connectors/domain';
import type { ConnectorEntity } from './connector.entity';

export function toConnector(row: ConnectorEntity): Connector {
  return {
    id: row.id,
    orgId: row.orgId,
    name: row.name,
    kind: row.kind,
    settings: JSON.parse(row.settings) as ConnectorSettings,
    workloads: row.workloads === '' ? [] : (row.workloads.split(',') as ConnectorWorkload[]),
    projectTag: row.projectTag,
    status: row.status,
    version: row.version,
    createdAt: new Date(row.createdAt),
    updatedAt: new Date(row.updatedAt),
  };
}

export function toRow(c: Connector): ConnectorEntity {
  return {
    id: c.id,
    orgId: c.orgId,
    name: c.name,
    kind: c.kind,
    settings: JSON.stringify(c.settings satisfies ConnectorSettings),
    workloads: c.workloads.join(','),
    projectTag: c.projectTag,
    status: c.status,
    version: c.version,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
  };
}
