import type { WorkloadFactory } from '../../sandbox-context';

/** Placeholder until this workload is built: no routes, nothing seeded. */
export const googleCalendarWorkload: WorkloadFactory = () => ({ name: 'google-calendar', routes: () => [], seed: () => undefined });
