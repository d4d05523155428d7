import type { WorkloadFactory } from '../../sandbox-context';

/** Placeholder until this workload is built: no routes, nothing seeded. */
export const graphDriveWorkload: WorkloadFactory = () => ({ name: 'graph-drive', routes: () => [], seed: () => undefined });
