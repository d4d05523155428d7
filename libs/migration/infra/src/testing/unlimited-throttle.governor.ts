import type { ThrottleGovernor, ThrottlePermit } from '@ferry/migration/application';

const PERMIT: ThrottlePermit = { release: () => undefined };

/**
 * A governor that admits every request at once and keeps nothing: the "throttling disabled" setting
 * of the benchmarks, so the engine's own costs are measured without budgets in the way (the
 * testing library's RecordingGovernor keeps every request, which a 100k-message run cannot afford).
 */
export const UNLIMITED_GOVERNOR: ThrottleGovernor = {
  acquire: () => Promise.resolve(PERMIT),
};
