import type { WorkloadFactory } from '../../sandbox-context';

/** Placeholder until this workload is built: no routes, nothing seeded. */
export const googleDriveWorkload: WorkloadFactory = () => ({ name: 'google-drive', routes: () => [], seed: () => undefined });
