import type { WorkloadFactory } from '../../sandbox-context';

/** Placeholder until this workload is built: no routes, nothing seeded. */
export const googleDirectoryWorkload: WorkloadFactory = () => ({ name: 'google-directory', routes: () => [], seed: () => undefined });
