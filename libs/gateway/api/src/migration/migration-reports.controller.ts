import { Controller, Get, Param, ParseUUIDPipe, Query, Res, UseFilters, UseGuards } from '@nestjs/common';
import { type FailedItem, type MappingProgress, Rpc } from '@ferry/contracts';
import { AccessGuard, RequirePermission } from '@ferry/platform/auth';
import { MessagingClient } from '@ferry/platform/messaging';
import type { Response } from 'express';
import { csvLine } from '../common/csv-writer';
import { Forwarded, type ForwardedCaller } from '../common/forwarded-caller.decorator';
import { OrgIdPipe } from '../common/org-id.pipe';
import { csvFraming, encodedPages, sendPaged } from '../common/paged-download';
import { RpcFailureFilter } from '../common/rpc-failure.filter';
import { ZodQueryPipe } from '../common/zod-query.pipe';
import { type Page, PageQuery } from './page-query.decorator';
import { FormatQuery } from './migration.dto';
import { countsView, failureView, mailboxView, passView } from './migration.view';

const uuid = new ParseUUIDPipe({ version: undefined });
/** Rows per RPC page of a download: well under the bus's message limit. */
const PAGE = 1000;

const REPORT_HEADER = [
  'mapping_id',
  'source_address',
  'target_address',
  'status',
  'found',
  'migrated',
  'skipped',
  'failed',
  'bytes_found',
  'bytes_done',
  'started_at',
  'finished_at',
  'cut_over_at',
];
const FAILURES_HEADER = ['mapping_id', 'source_id', 'reason', 'detail', 'at'];

function reportRow(row: MappingProgress): string {
  const v = mailboxView(row);
  const c = v.counts;
  return csvLine([
    v.mapping.id,
    v.mapping.sourceAddress,
    v.mapping.targetAddress,
    v.status,
    c.found,
    c.migrated,
    c.skipped,
    c.failed,
    c.bytesFound,
    c.bytesDone,
    v.startedAt,
    v.finishedAt,
    v.mapping.lastPassFinishedAt,
  ]);
}

function failureRow(item: FailedItem): string {
  const v = failureView(item);
  return csvLine([v.mappingId, v.sourceId, v.reason, v.detail, v.at]);
}

/**
 * /api/v1/orgs/{org}/migration/projects/{project}/passes/{pass}/report: one row per mailbox with its
 * counts (found = migrated + skipped + failed once done) and cut-over time, and the failed items.
 * JSON or CSV (`format=csv`, a download); CSV cells a spreadsheet would run as formulas are neutralised.
 */
@UseFilters(RpcFailureFilter)
@UseGuards(AccessGuard)
@Controller('api/v1/orgs/:org/migration/projects/:project/passes/:pass/report')
export class MigrationReportsController {
  constructor(private readonly messaging: MessagingClient) {}

  /** The whole report (paged from the migration service, streamed out). */
  @RequirePermission('reports.read')
  @Get()
  async report(
    @Param('org', OrgIdPipe) org: string,
    @Param('project', uuid) project: string,
    @Param('pass', uuid) pass: string,
    @Query('format', new ZodQueryPipe('format', FormatQuery, 'json or csv')) format: 'json' | 'csv',
    @Forwarded() caller: ForwardedCaller,
    @Res() res: Response,
  ): Promise<void> {
    const page = (offset: number) =>
      this.messaging.request(Rpc.migration.report, {
        ref: { orgId: org, projectId: project, passId: pass, caller },
        offset,
        limit: PAGE,
      });
    const first = await page(0);
    const more = (offset: number) => offset < first.totalRows;
    if (format === 'csv') {
      await sendPaged(
        res,
        csvFraming(`ferry-pass-${pass}-report.csv`, csvLine(REPORT_HEADER)),
        encodedPages(first.rows, async (offset) => (await page(offset)).rows, reportRow, more),
      );
      return;
    }
    const json = (row: MappingProgress) => JSON.stringify(mailboxView(row));
    const head = JSON.stringify({
      pass: passView(first.pass),
      totals: countsView(first.totals),
      totalRows: first.totalRows,
    });
    await sendPaged(
      res,
      {
        contentType: 'application/json; charset=utf-8',
        filename: `ferry-pass-${pass}-report.json`,
        prefix: `${head.slice(0, -1)},"rows":[`,
        separator: ',',
        suffix: ']}',
      },
      encodedPages(first.rows, async (offset) => (await page(offset)).rows, json, more),
    );
  }

  /** Failed items: a JSON page (`offset`, `limit`), or all of them as CSV. */
  @RequirePermission('reports.read')
  @Get('failures')
  async failures(
    @Param('org', OrgIdPipe) org: string,
    @Param('project', uuid) project: string,
    @Param('pass', uuid) pass: string,
    @Query('format', new ZodQueryPipe('format', FormatQuery, 'json or csv')) format: 'json' | 'csv',
    @PageQuery() { offset, limit }: Page,
    @Forwarded() caller: ForwardedCaller,
    @Res() res: Response,
  ): Promise<void> {
    const page = (from: number, size: number) =>
      this.messaging.request(Rpc.migration.failures, {
        ref: { orgId: org, projectId: project, passId: pass, caller },
        offset: from,
        limit: size,
      });
    if (format === 'json') {
      const r = await page(offset, limit);
      res.status(200).json({
        items: r.items.map(failureView),
        offset,
        limit,
        nextOffset: r.hasMore ? offset + r.items.length : null,
      });
      return;
    }
    const first = await page(0, PAGE);
    let hasMore = first.hasMore;
    await sendPaged(res, csvFraming(`ferry-pass-${pass}-failures.csv`, csvLine(FAILURES_HEADER)), {
      first: first.items.map(failureRow),
      next: async (from) => {
        const r = await page(from, PAGE);
        hasMore = r.hasMore;
        return r.items.map(failureRow);
      },
      more: () => hasMore,
    });
  }
}
