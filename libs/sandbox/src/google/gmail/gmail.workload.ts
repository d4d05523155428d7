import type { WorkloadFactory } from '../../sandbox-context';

/** Placeholder until this workload is built: no routes, nothing seeded. */
export const gmailWorkload: WorkloadFactory = () => ({ name: 'gmail', routes: () => [], seed: () => undefined });
