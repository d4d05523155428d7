import {
  checkPassAction,
  checkPassTransition,
  describePassRefusal,
  isPassFinished,
  PASS_STATUSES,
  type PassAction,
  passSourcesOf,
  type PassStatus,
  type PassTransitionRefusal,
} from './pass-transitions';

/** The allowed moves, written out: scheduled->running->paused->running, unfinished->cancelled, running->completed|failed. */
const ALLOWED = new Set([
  'scheduled>running',
  'running>paused',
  'paused>running',
  'scheduled>cancelled',
  'running>cancelled',
  'paused>cancelled',
  'running>completed',
  'running>failed',
]);

describe('migration domain pass transitions', () => {
  it('allows exactly the listed transitions among all 36 pairs', () => {
    for (const from of PASS_STATUSES)
      for (const to of PASS_STATUSES)
        expect([`${from}>${to}`, checkPassTransition(from, to).allowed]).toEqual([
          `${from}>${to}`,
          ALLOWED.has(`${from}>${to}`),
        ]);
  });

  it.each<[PassStatus, PassStatus, PassTransitionRefusal]>([
    ['running', 'running', 'unchanged'],
    ['completed', 'running', 'finished'],
    ['cancelled', 'cancelled', 'unchanged'],
    ['failed', 'cancelled', 'finished'],
    ['scheduled', 'paused', 'not-running'],
    ['paused', 'completed', 'not-running'],
    ['scheduled', 'failed', 'not-running'],
    ['running', 'scheduled', 'cannot-reschedule'],
  ])('%s -> %s is refused: %s', (from, to, refusal) => {
    expect(checkPassTransition(from, to)).toEqual({ allowed: false, refusal });
  });

  it.each<[PassStatus, PassAction, PassStatus, PassTransitionRefusal | null]>([
    ['scheduled', 'start', 'running', null],
    ['paused', 'resume', 'running', null],
    ['running', 'pause', 'paused', null],
    ['paused', 'cancel', 'cancelled', null],
    ['scheduled', 'resume', 'running', 'not-paused'],
    ['paused', 'start', 'running', 'not-scheduled'],
    ['paused', 'pause', 'paused', 'unchanged'],
    ['scheduled', 'complete', 'completed', 'not-running'],
    ['completed', 'cancel', 'cancelled', 'finished'],
  ])('%s + %s -> %s (%s)', (from, action, to, refusal) => {
    expect(checkPassAction(from, action)).toEqual(
      refusal ? { allowed: false, refusal, to } : { allowed: true, to },
    );
  });

  it('names the states a compare-and-set may move from', () => {
    expect(passSourcesOf('running')).toEqual(['scheduled', 'paused']);
    expect(passSourcesOf('cancelled')).toEqual(['scheduled', 'running', 'paused']);
    expect(passSourcesOf('completed')).toEqual(['running']);
    expect(passSourcesOf('scheduled')).toEqual([]);
  });

  it('cancelled, completed and failed are finished; the rest are not', () => {
    expect(PASS_STATUSES.filter(isPassFinished)).toEqual(['cancelled', 'completed', 'failed']);
  });

  it('says why in words that name states only', () => {
    expect(describePassRefusal('completed', 'running', 'finished')).toBe(
      'the pass is completed and cannot change any more',
    );
    expect(describePassRefusal('scheduled', 'paused', 'not-running')).toBe(
      'the pass is scheduled; only a running pass can become paused',
    );
    expect(describePassRefusal('scheduled', 'running', 'not-paused')).toBe(
      'the pass is scheduled; only a paused pass can resume',
    );
  });
});
