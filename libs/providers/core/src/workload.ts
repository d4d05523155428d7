/** What a connector is used for; each needs its own permissions or scopes in the tenant. */
export const WORKLOADS = ['mail', 'calendar', 'contacts', 'files', 'directory', 'freebusy'] as const;
export type Workload = (typeof WORKLOADS)[number];

export function isWorkload(value: string): value is Workload {
  return (WORKLOADS as readonly string[]).includes(value);
}
