import { type ProgressSample, sumProgress } from '@ferry/migration/domain';
import { bySourceAddress } from '../mappings/read-mappings.usecase';
import type { Mapping, MappingProgress, Pass, ProjectRepository } from '../ports/project.ports';
import { figuresOf, planned, type ProgressFigures, type ProgressTotals } from './progress-figures';

/** One mailbox of a pass: its mapping row (with addresses, for an authorised caller only), counts and figures. */
export interface MailboxProgress {
  readonly mapping: Mapping;
  readonly progress: MappingProgress;
  readonly figures: ProgressFigures;
}

/** A pass's mailboxes by status. */
export interface MailboxStatusCounts {
  readonly total: number;
  readonly pending: number;
  readonly planning: number;
  readonly running: number;
  readonly done: number;
  readonly failed: number;
}

/** Everything about a pass's progress: totals, figures, status counts and every mailbox in source-address order. */
export interface PassProgress {
  readonly pass: Pass;
  readonly totals: ProgressTotals;
  readonly figures: ProgressFigures;
  readonly mailboxes: MailboxStatusCounts;
  readonly rows: readonly MailboxProgress[];
}

/**
 * Joins a pass's progress rows with the project's mapping rows and sums them up. `sample` records the
 * totals and answers the pass's recent samples, for a recent rate (without it: the average since start);
 * `rows: false` answers the totals without mailboxes.
 */
export async function passProgress(
  projects: ProjectRepository,
  pass: Pass,
  now: Date,
  options: { sample?: (totals: ProgressTotals) => readonly ProgressSample[]; rows?: boolean } = {},
): Promise<PassProgress> {
  const { sample, rows: withRows = true } = options;
  // Totals alone (a live progress bar) need no mapping rows: one query fewer each poll.
  const [progress, mappings] = await Promise.all([
    projects.progress(pass.orgId, pass.id),
    withRows ? projects.mappings(pass.orgId, pass.projectId) : Promise.resolve([]),
  ]);
  const byId = new Map(mappings.map((m) => [m.id, m]));
  const rows: MailboxProgress[] = [];
  for (const p of progress) {
    const mapping = byId.get(p.mappingId);
    // A pass's mailboxes are fixed while it is active; a row of a mapping replaced since it ended has no addresses left to show.
    if (!mapping) continue;
    rows.push({ mapping, progress: p, figures: figuresOf(p, planned(p), p.startedAt, p.finishedAt, now) });
  }
  rows.sort((a, b) => bySourceAddress(a.mapping, b.mapping));
  const totals = sumProgress(progress);
  const count = (status: MappingProgress['status']) => progress.filter((p) => p.status === status).length;
  return {
    pass,
    totals,
    figures: figuresOf(
      totals,
      progress.every(planned),
      pass.startedAt,
      pass.finishedAt,
      now,
      sample?.(totals),
    ),
    mailboxes: {
      total: progress.length,
      pending: count('pending'),
      planning: count('planning'),
      running: count('running'),
      done: count('done'),
      failed: count('failed'),
    },
    rows,
  };
}
