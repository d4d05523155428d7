/** What a connector is used for; each needs its own permissions or scopes in the tenant. */
export const CONNECTOR_WORKLOADS = ['mail', 'calendar', 'contacts', 'files', 'directory', 'freebusy'] as const;
export type ConnectorWorkload = (typeof CONNECTOR_WORKLOADS)[number];

export function isConnectorWorkload(value: string): value is ConnectorWorkload {
  return (CONNECTOR_WORKLOADS as readonly string[]).includes(value);
}
