import { randomUUID } from 'node:crypto';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { MessageInitShape } from '@bufbuild/protobuf';
import {
  type Caller,
  type GetProgressResponseSchema,
  MailSystem,
  type MappingProgressSchema,
  MappingStatus,
  PassKind,
  PassStatus,
  Rpc,
  RpcErrorCode,
} from '@ferry/contracts';
import { type MessagingClient, RpcException } from '@ferry/platform/messaging';

/** A connector pair the stand-in refuses, as the migration service refuses google -> google. */
export const UNSUPPORTED_TARGET = '9f8e7d6c-5b4a-4392-8a1b-0c9d8e7f6a5b';
export const PROJECT = '1d2c3b4a-5e6f-4a7b-8c9d-0e1f2a3b4c5d';
export const PASS = '2e3d4c5b-6f7a-4b8c-9d0e-1f2a3b4c5d6e';

type Progress = MessageInitShape<typeof GetProgressResponseSchema>;

/**
 * A stand-in migration service for the gateway's route tests: answers `migration.v1.rpc.*` the way the
 * real handlers do (their own behaviour is tested in libs/migration/infra) and records what it received.
 */
export class MigrationStandIn {
  /** Every request, by subject, with the caller it carried. */
  readonly received: { subject: string; caller: Caller | undefined; body: unknown }[] = [];
  /** Progress answers served in turn; the last one repeats. */
  progress: Progress[] = [];
  /** Mailboxes of the report. */
  reportRows = 3;
  /** A failed item whose fields look like spreadsheet formulas. */
  readonly failure = {
    mappingId: randomUUID(),
    sourceId: '+SUM(A1:A9)',
    reason: 'too-large',
    detail: '=HYPERLINK("http://evil.example","x")',
  };

  async serve(peer: MessagingClient): Promise<void> {
    const seen = (subject: string, caller: Caller | undefined, body: unknown) =>
      this.received.push({ subject, caller, body });
    const project = (orgId: string) => ({
      id: PROJECT,
      orgId,
      name: 'Wave 1',
      sourceConnectorId: randomUUID(),
      targetConnectorId: randomUUID(),
      source: MailSystem.GOOGLE,
      target: MailSystem.MICROSOFT,
      workloads: ['mail'],
      version: 1,
      createdAt: timestampFromDate(new Date('2026-03-01T10:00:00Z')),
    });
    const known = (projectId: string) => {
      if (projectId !== PROJECT) throw new RpcException(RpcErrorCode.NOT_FOUND, 'project not found');
    };
    await peer.serve(Rpc.migration.createProject, async (req) => {
      seen('createProject', req.caller, req);
      if (req.targetConnectorId === UNSUPPORTED_TARGET) {
        throw new RpcException(RpcErrorCode.INVALID_ARGUMENT, 'invalid request', [
          { field: 'targetConnectorId', reason: 'google -> google is not supported' },
        ]);
      }
      return { project: project(req.orgId) };
    });
    await peer.serve(Rpc.migration.getProject, async (req) => {
      seen('getProject', req.caller, req);
      known(req.projectId);
      return { project: project(req.orgId) };
    });
    await peer.serve(Rpc.migration.importMappings, async (req) => {
      seen('importMappings', req.ref?.caller, { csvBytes: Buffer.byteLength(req.csv) });
      known(req.ref?.projectId ?? '');
      if (req.csv.includes('not-an-address')) {
        throw new RpcException(RpcErrorCode.INVALID_ARGUMENT, 'invalid request', [
          { field: 'line 3', reason: 'source is not an email address' },
        ]);
      }
      return { imported: req.csv.trim().split(/\r?\n/).length - 1 };
    });
    await peer.serve(Rpc.migration.listMappings, async (req) => {
      seen('listMappings', req.ref?.caller, req);
      const all = Array.from({ length: 1500 }, (_, i) => ({
        id: randomUUID(),
        sourceAddress: `u${String(i).padStart(4, '0')}@source.example`,
        targetAddress: `u${i}@target.example`,
      }));
      const limit = req.limit || 1000;
      return { mappings: all.slice(req.offset, req.offset + limit), total: all.length };
    });
    await peer.serve(Rpc.migration.startPass, async (req) => {
      seen('startPass', req.ref?.caller, req);
      return {
        pass: { id: PASS, projectId: PROJECT, kind: req.kind, status: PassStatus.RUNNING, final: req.final },
      };
    });
    await peer.serve(Rpc.migration.progress, async (req) => {
      seen('progress', req.ref?.caller, req);
      known(req.ref?.projectId ?? '');
      const next = this.progress.length > 1 ? this.progress.shift() : this.progress[0];
      if (!next) throw new RpcException(RpcErrorCode.UNAVAILABLE, 'no progress scripted');
      return next;
    });
    await peer.serve(Rpc.migration.report, async (req) => {
      seen('report', req.ref?.caller, req);
      known(req.ref?.projectId ?? '');
      const rows = Array.from({ length: this.reportRows }, (_, i) => this.row(i));
      const limit = req.limit || 1000;
      return {
        pass: { id: PASS, projectId: PROJECT, kind: PassKind.FULL, status: PassStatus.COMPLETED },
        totals: {
          found: BigInt(this.reportRows * 10),
          migrated: BigInt(this.reportRows * 7),
          skipped: BigInt(this.reportRows * 2),
          failed: BigInt(this.reportRows),
        },
        totalRows: rows.length,
        rows: rows.slice(req.offset, req.offset + limit),
      };
    });
    await peer.serve(Rpc.migration.failures, async (req) => {
      seen('failures', req.ref?.caller, req);
      return {
        items:
          req.offset === 0
            ? [{ ...this.failure, at: timestampFromDate(new Date('2026-03-01T11:00:00Z')) }]
            : [],
        hasMore: false,
      };
    });
  }

  /** Report row `i`: found 10 = 7 migrated + 2 skipped + 1 failed; the first one's source address looks like a formula. */
  private row(i: number): MessageInitShape<typeof MappingProgressSchema> {
    return {
      mapping: {
        id: randomUUID(),
        sourceAddress: i === 0 ? '=cmd|calc@source.example' : `user${i}@source.example`,
        targetAddress: `user${i}@target.example`,
        lastPassFinishedAt: timestampFromDate(new Date('2026-03-01T12:00:00Z')),
        lastPassId: PASS,
      },
      status: MappingStatus.DONE,
      counts: { found: 10n, migrated: 7n, skipped: 2n, failed: 1n, bytesFound: 1000n, bytesDone: 700n },
      throughput: { fractionDone: 1, complete: true, etaSeconds: 0n },
    };
  }
}

/** A progress answer of a pass with `done` of 10 items processed. */
export function progressOf(done: number, status: PassStatus = PassStatus.RUNNING): Progress {
  return {
    pass: { id: PASS, projectId: PROJECT, kind: PassKind.FULL, status },
    totals: { found: 10n, migrated: BigInt(done), bytesFound: 1000n, bytesDone: BigInt(done * 100) },
    throughput: {
      fractionDone: done / 10,
      itemsPerSecond: 1,
      ...(done < 10 && { etaSeconds: BigInt(10 - done) }),
      complete: done === 10,
    },
    mailboxes: { total: 1, running: done < 10 ? 1 : 0, done: done === 10 ? 1 : 0 },
    mappings: [],
  };
}
