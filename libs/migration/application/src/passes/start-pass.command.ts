import type { PassKind } from '../ports/run.ports';
import type { ControlCaller } from '../projects/caller';
import { InvalidControlCommandError, type Violation } from '../projects/control-plane.errors';
import { uuids } from '../projects/control-refs';

const KINDS: readonly PassKind[] = ['full', 'delta'];
/** How far ahead a pass may be scheduled. */
export const MAX_SCHEDULE_AHEAD_MS = 366 * 24 * 60 * 60 * 1000;

/** A validated request to start, or schedule, a pass over every mapping of a project. */
export class StartPassCommand {
  private constructor(
    readonly orgId: string,
    readonly projectId: string,
    readonly kind: PassKind,
    readonly final: boolean,
    readonly scheduledFor: Date | null,
    readonly caller: ControlCaller,
  ) {}

  /** `now` bounds the schedule: it must lie in the future, at most a year ahead. */
  static create(input: {
    orgId: string;
    projectId: string;
    kind: string;
    final: boolean;
    scheduledFor: Date | null;
    now: Date;
    caller: ControlCaller;
  }): StartPassCommand {
    const violations: Violation[] = [];
    let ids = { orgId: '', projectId: '' };
    try {
      ids = uuids({ orgId: input.orgId, projectId: input.projectId });
    } catch (err) {
      if (!(err instanceof InvalidControlCommandError)) throw err;
      violations.push(...err.violations);
    }
    if (!KINDS.includes(input.kind as PassKind))
      violations.push({ field: 'kind', reason: `must be one of ${KINDS.join(', ')}` });
    const at = input.scheduledFor;
    if (at && Number.isNaN(at.getTime()))
      violations.push({ field: 'scheduledFor', reason: 'must be a date' });
    else if (at && at.getTime() <= input.now.getTime())
      violations.push({ field: 'scheduledFor', reason: 'must be in the future (leave it out to start now)' });
    else if (at && at.getTime() - input.now.getTime() > MAX_SCHEDULE_AHEAD_MS)
      violations.push({ field: 'scheduledFor', reason: 'must be at most a year ahead' });
    if (violations.length > 0) throw new InvalidControlCommandError(violations);
    return new StartPassCommand(
      ids.orgId,
      ids.projectId,
      input.kind as PassKind,
      input.final,
      at,
      input.caller,
    );
  }
}
