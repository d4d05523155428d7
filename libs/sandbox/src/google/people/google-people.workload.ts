import type { WorkloadFactory } from '../../sandbox-context';

/** Placeholder until this workload is built: no routes, nothing seeded. */
export const googlePeopleWorkload: WorkloadFactory = () => ({ name: 'google-people', routes: () => [], seed: () => undefined });
