import type { MailboxRunEntity } from './mailbox-run.entity';
import { toProgress } from './progress.mapper';

const run: MailboxRunEntity = {
  passId: 'p',
  mappingId: 'm',
  orgId: 'o',
  status: 'done',
  planned: true,
  batchesPlanned: 2,
  batchesRecorded: 2,
  found: '12',
  skippedAtPlan: '2',
  bytesFound: '5000000000',
  pendingCursor: null,
  startedAt: new Date('2030-01-01T00:00:00Z'),
  finishedAt: new Date('2030-01-01T01:00:00Z'),
  failureReason: null,
  failureDetail: null,
};

describe('toProgress', () => {
  it('adds skipped-at-plan to the batches’ skipped, so found = migrated + skipped + failed', () => {
    // PostgreSQL returns SUMs of bigints as strings.
    const p = toProgress(run, { migrated: '7', skipped: '1', failed: '2', bytes: '4000000000' });
    expect(p).toEqual({
      mappingId: 'm',
      status: 'done',
      found: 12,
      migrated: 7,
      skipped: 3,
      failed: 2,
      bytesFound: 5_000_000_000,
      bytesDone: 4_000_000_000,
      startedAt: new Date('2030-01-01T00:00:00Z'),
      finishedAt: new Date('2030-01-01T01:00:00Z'),
    });
    expect(p.found).toBe(p.migrated + p.skipped + p.failed);
  });

  it('counts a mailbox with no recorded batch as nothing done', () => {
    expect(
      toProgress({
        ...run,
        status: 'pending',
        found: 0,
        skippedAtPlan: 0,
        bytesFound: 0,
        startedAt: null,
        finishedAt: null,
      }),
    ).toMatchObject({
      migrated: 0,
      skipped: 0,
      failed: 0,
      bytesDone: 0,
      startedAt: null,
      finishedAt: null,
    });
  });
});
