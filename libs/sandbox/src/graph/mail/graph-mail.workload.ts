import type { WorkloadFactory } from '../../sandbox-context';

/** Placeholder until this workload is built: no routes, nothing seeded. */
export const graphMailWorkload: WorkloadFactory = () => ({ name: 'graph-mail', routes: () => [], seed: () => undefined });
