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

/**
 * The tenant an admin-consent connector holds through the installation's app once its consent
 * completed, whatever its status since (it still names the tenant); null for every other connector.
 */
export function consentTenantOf(c: Connector): string | null {
  const s = c.settings;
  return s.kind === 'microsoft-365' && s.auth === 'admin-consent' && s.tenantId !== '' ? s.tenantId.toLowerCase() : null;
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
    consentTenantId: consentTenantOf(c),
    version: c.version,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
  };
}
