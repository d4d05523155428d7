/** How the shared factor reacts to throttling. */
export interface AimdParams {
  /** Multiplicative decrease on a throttled answer, in (0, 1). */
  readonly decrease: number;
  /** The factor never falls below this, in (0, 1]. */
  readonly minFactor: number;
  /** Additive increase: factor gained per second without a throttled answer. */
  readonly increasePerSecond: number;
}

/**
 * The AIMD state of one scope: the factor right after the last decrease, when that was, and an
 * epoch that counts decreases. The current factor is a function of time, so a success costs no
 * write to shared state: the factor climbs back by itself while nothing is throttled.
 */
export interface AimdState {
  readonly floor: number;
  readonly since: number;
  readonly epoch: number;
}

export const DEFAULT_AIMD: AimdParams = { decrease: 0.5, minFactor: 0.1, increasePerSecond: 0.02 };

export function initialAimd(now: number): AimdState {
  return { floor: 1, since: now, epoch: 0 };
}

/** The factor (at most 1, the documented limit) applied to the rate and the concurrency cap. */
export function aimdFactor(state: AimdState, params: AimdParams, now: number): number {
  return Math.min(1, state.floor + (params.increasePerSecond * Math.max(0, now - state.since)) / 1000);
}

/**
 * A throttled answer to a request sent under `seenEpoch`. Requests in flight together are throttled
 * together: only the first answer of an epoch decreases, the others were sent before the decrease.
 */
export function aimdOnThrottle(state: AimdState, params: AimdParams, now: number, seenEpoch: number): AimdState {
  if (seenEpoch !== state.epoch) return state;
  return { floor: Math.max(params.minFactor, aimdFactor(state, params, now) * params.decrease), since: now, epoch: state.epoch + 1 };
}

/** The concurrency window for a documented cap: the cap scaled by the factor, at least one. */
export function concurrencyWindow(cap: number, factor: number): number {
  return Math.max(1, Math.min(cap, Math.floor(cap * factor + 1e-9)));
}

/** Throws on parameters that would not converge. */
export function assertValidAimd(params: AimdParams): void {
  if (!(params.decrease > 0 && params.decrease < 1)) throw new Error('AIMD decrease must be in (0, 1)');
  if (!(params.minFactor > 0 && params.minFactor <= 1)) throw new Error('AIMD minFactor must be in (0, 1]');
  if (!(Number.isFinite(params.increasePerSecond) && params.increasePerSecond >= 0)) throw new Error('AIMD increasePerSecond must be >= 0');
}
