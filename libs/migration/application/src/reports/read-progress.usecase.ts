import { Inject, Injectable } from '@nestjs/common';
import { isPassFinished, sumProgress } from '@ferry/migration/domain';
import { newestFirst } from '../passes/read-passes.usecase';
import { findPass } from '../passes/pass-ref';
import type { Pass, ProjectRepository } from '../ports/project.ports';
import { MigrationNotFoundError } from '../projects/control-plane.errors';
import { CONTROL_CLOCK, type ControlClock, PROJECT_REPOSITORY } from '../projects/control-plane.ports';
import { page, uuids } from '../projects/control-refs';
import { type PassProgress, passProgress } from './pass-progress';
import type { ProgressTotals } from './progress-figures';
import { ProgressSamples } from './progress-samples';

/** A pass's progress with one page of its mailboxes (null pass: the project has none yet). */
export type ProgressPage = Omit<PassProgress, 'pass'> & { readonly pass: Pass | null };

const NO_PASS: ProgressPage = {
  pass: null,
  totals: sumProgress([]),
  figures: { percent: null, itemsPerSecond: null, bytesPerSecond: null, etaSeconds: null, complete: false },
  mailboxes: { total: 0, pending: 0, planning: 0, running: 0, done: 0, failed: 0 },
  rows: [],
};

/**
 * Reads progress: of a named pass, or of the project's newest pass; every mailbox paged, or one
 * mailbox. `limit` 0 answers the totals only (what a live progress bar needs). Each read of a running
 * pass is a sample of its totals, so a pass being watched shows its recent rate.
 */
@Injectable()
export class ReadProgressUseCase {
  constructor(
    @Inject(PROJECT_REPOSITORY) private readonly projects: ProjectRepository,
    @Inject(CONTROL_CLOCK) private readonly clock: ControlClock,
  ) {}

  private readonly samples = new ProgressSamples();

  /** @throws MigrationNotFoundError for an unknown project, pass or (with `mappingId`) mailbox of the pass. */
  async execute(input: {
    orgId: string;
    projectId: string;
    passId: string | null;
    mappingId: string | null;
    offset: number;
    limit: number;
  }): Promise<ProgressPage> {
    const { orgId, projectId } = uuids({ orgId: input.orgId, projectId: input.projectId });
    // 0 is a valid limit here: the totals without mailboxes.
    const { offset, limit } = input.limit === 0 ? { offset: 0, limit: 0 } : page(input.offset, input.limit);
    if (!(await this.projects.get(orgId, projectId))) throw new MigrationNotFoundError('project');
    const pass = input.passId
      ? await findPass(this.projects, { orgId, projectId, passId: input.passId })
      : await this.newest(orgId, projectId);
    if (!pass) return NO_PASS;
    const now = this.clock.now();
    if (isPassFinished(pass.status)) this.samples.forget(pass.id);
    const sample =
      pass.status === 'running'
        ? (totals: ProgressTotals) => this.samples.record(pass.id, totals, now)
        : undefined;
    const progress = await passProgress(this.projects, pass, now, {
      ...(sample && { sample }),
      rows: limit > 0 || input.mappingId !== null,
    });
    if (input.mappingId) {
      const { mappingId } = uuids({ mappingId: input.mappingId });
      const row = progress.rows.find((r) => r.mapping.id === mappingId);
      if (!row) throw new MigrationNotFoundError('mapping');
      return { ...progress, rows: [row] };
    }
    return { ...progress, rows: progress.rows.slice(offset, offset + limit) };
  }

  private async newest(orgId: string, projectId: string): Promise<Pass | null> {
    return [...(await this.projects.passes(orgId, projectId))].sort(newestFirst)[0] ?? null;
  }
}
