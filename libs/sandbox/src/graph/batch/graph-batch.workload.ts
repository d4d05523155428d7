import type { WorkloadFactory } from '../../sandbox-context';

/** Placeholder until this workload is built: no routes, nothing seeded. */
export const graphBatchWorkload: WorkloadFactory = () => ({ name: 'graph-batch', routes: () => [], seed: () => undefined });
