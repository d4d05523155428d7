import type { WorkloadFactory } from '../../sandbox-context';

/** Placeholder until this workload is built: no routes, nothing seeded. */
export const graphCalendarWorkload: WorkloadFactory = () => ({ name: 'graph-calendar', routes: () => [], seed: () => undefined });
