import type { WorkloadFactory } from '../../sandbox-context';

/** Placeholder until this workload is built: no routes, nothing seeded. */
export const graphDirectoryWorkload: WorkloadFactory = () => ({ name: 'graph-directory', routes: () => [], seed: () => undefined });
