/** A pass's lifecycle states (the application's `PassStatus` is the same union). */
export const PASS_STATUSES = ['scheduled', 'running', 'paused', 'cancelled', 'completed', 'failed'] as const;
export type PassStatus = (typeof PASS_STATUSES)[number];

/** What moves a pass from one state to another. */
export type PassAction = 'start' | 'pause' | 'resume' | 'cancel' | 'complete' | 'fail';

/** Why a transition is refused, as an API answers it. */
export type PassTransitionRefusal =
  'unchanged' | 'finished' | 'not-running' | 'not-paused' | 'not-scheduled' | 'cannot-reschedule';

export type PassTransitionCheck =
  { readonly allowed: true } | { readonly allowed: false; readonly refusal: PassTransitionRefusal };

/**
 * Every allowed transition, by action: a scheduled pass starts; a running pass pauses, completes or
 * fails; a paused pass resumes; any pass not yet finished can be cancelled. Finished passes
 * (cancelled, completed, failed) never move again, and nothing goes back to scheduled.
 */
export const PASS_TRANSITIONS: Readonly<
  Record<PassAction, { readonly from: readonly PassStatus[]; readonly to: PassStatus }>
> = {
  start: { from: ['scheduled'], to: 'running' },
  pause: { from: ['running'], to: 'paused' },
  resume: { from: ['paused'], to: 'running' },
  cancel: { from: ['scheduled', 'running', 'paused'], to: 'cancelled' },
  complete: { from: ['running'], to: 'completed' },
  fail: { from: ['running'], to: 'failed' },
};

const FINISHED: ReadonlySet<PassStatus> = new Set(['cancelled', 'completed', 'failed']);

/** True for a pass that will not change again. */
export function isPassFinished(status: PassStatus): boolean {
  return FINISHED.has(status);
}

/** The states a pass may move to `to` from (the `from` of a compare-and-set). */
export function passSourcesOf(to: PassStatus): PassStatus[] {
  return PASS_STATUSES.filter((from) => checkPassTransition(from, to).allowed);
}

/** Whether a pass may move from `from` to `to`, and if not, why. */
export function checkPassTransition(from: PassStatus, to: PassStatus): PassTransitionCheck {
  if (Object.values(PASS_TRANSITIONS).some((t) => t.to === to && t.from.includes(from)))
    return { allowed: true };
  return { allowed: false, refusal: refusalOf(from, to) };
}

/**
 * Whether `action` applies to a pass in `from`, with the state it leads to. Stricter than the state
 * pair: `resume` needs a paused pass and `start` a scheduled one, though both lead to running.
 */
export function checkPassAction(
  from: PassStatus,
  action: PassAction,
): PassTransitionCheck & { readonly to: PassStatus } {
  const { from: sources, to } = PASS_TRANSITIONS[action];
  if (sources.includes(from)) return { allowed: true, to };
  const refusal: PassTransitionRefusal =
    from === to
      ? 'unchanged'
      : isPassFinished(from)
        ? 'finished'
        : action === 'resume'
          ? 'not-paused'
          : action === 'start'
            ? 'not-scheduled'
            : 'not-running';
  return { allowed: false, refusal, to };
}

/** A refusal in words for an API error (it names states only). */
export function describePassRefusal(
  from: PassStatus,
  to: PassStatus,
  refusal: PassTransitionRefusal,
): string {
  switch (refusal) {
    case 'unchanged':
      return `the pass is already ${from}`;
    case 'finished':
      return `the pass is ${from} and cannot change any more`;
    case 'not-running':
      return `the pass is ${from}; only a running pass can become ${to}`;
    case 'not-paused':
      return `the pass is ${from}; only a paused pass can resume`;
    case 'not-scheduled':
      return `the pass is ${from}; only a scheduled pass can start`;
    case 'cannot-reschedule':
      return `the pass is ${from}; a pass cannot go back to scheduled`;
  }
}

function refusalOf(from: PassStatus, to: PassStatus): PassTransitionRefusal {
  if (from === to) return 'unchanged';
  if (isPassFinished(from)) return 'finished';
  // Only running (from scheduled or paused) and cancelled are reachable from every unfinished state but these.
  return to === 'scheduled' ? 'cannot-reschedule' : 'not-running';
}
