import type { WorkloadFactory } from '../../sandbox-context';

/** Placeholder until this workload is built: no routes, nothing seeded. */
export const graphContactsWorkload: WorkloadFactory = () => ({ name: 'graph-contacts', routes: () => [], seed: () => undefined });
