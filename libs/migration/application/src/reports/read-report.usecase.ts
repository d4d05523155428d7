import { Inject, Injectable } from '@nestjs/common';
import { findPass } from '../passes/pass-ref';
import type { FailureRow, ProjectRepository } from '../ports/project.ports';
import { CONTROL_CLOCK, type ControlClock, PROJECT_REPOSITORY } from '../projects/control-plane.ports';
import { page } from '../projects/control-refs';
import { type PassProgress, passProgress } from './pass-progress';

/** One page of a pass report: the pass, its totals and rows in source-address order. */
export type ReportPage = Omit<PassProgress, 'mailboxes'> & { readonly totalRows: number };

/** A page of a pass's failed items. */
export interface FailurePage {
  readonly items: readonly FailureRow[];
  readonly hasMore: boolean;
}

/**
 * Reads pass reports: one row per mailbox with its counts (which add up once it is done: found =
 * migrated + skipped + failed) and its cut-over time (the mapping's last finished pass), and the failed
 * items with their reasons, in pages.
 */
@Injectable()
export class ReadReportUseCase {
  constructor(
    @Inject(PROJECT_REPOSITORY) private readonly projects: ProjectRepository,
    @Inject(CONTROL_CLOCK) private readonly clock: ControlClock,
  ) {}

  /** @throws MigrationNotFoundError */
  async report(input: {
    orgId: string;
    projectId: string;
    passId: string;
    offset: number;
    limit: number;
  }): Promise<ReportPage> {
    const { offset, limit } = page(input.offset, input.limit);
    const pass = await findPass(this.projects, input);
    const progress = await passProgress(this.projects, pass, this.clock.now());
    return {
      pass,
      totals: progress.totals,
      figures: progress.figures,
      totalRows: progress.rows.length,
      rows: progress.rows.slice(offset, offset + limit),
    };
  }

  /** @throws MigrationNotFoundError */
  async failures(input: {
    orgId: string;
    projectId: string;
    passId: string;
    offset: number;
    limit: number;
  }): Promise<FailurePage> {
    const { offset, limit } = page(input.offset, input.limit);
    const pass = await findPass(this.projects, input);
    // One more than asked tells whether another page follows.
    const items = await this.projects.failures(pass.orgId, pass.id, limit + 1, offset);
    return { items: items.slice(0, limit), hasMore: items.length > limit };
  }
}
