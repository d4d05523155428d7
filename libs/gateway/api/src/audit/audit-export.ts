import { BadRequestException, HttpException, HttpStatus } from '@nestjs/common';
import type { QueryAuditEventsResponse, StoredAuditEvent } from '@ferry/contracts';
import type { Response } from 'express';
import { csvLine } from '../common/csv-writer';
import { type Framing, type Pages, sendPaged } from '../common/paged-download';
import { StreamLimiter } from '../common/stream-limiter';
import { AUDIT_CSV_HEADER, auditCsvLine, auditNdjsonLine } from './audit-record.view';

/** Bounds of audit exports; AUDIT_EXPORT_LIMITS overrides them (tests use small ones). */
export interface AuditExportLimits {
  /** Most records one export carries; an export matching more is refused before anything is sent. */
  readonly maxRows: number;
  /** Exports of one organisation running at once on one gateway replica; more are answered 429. */
  readonly perOrg: number;
}

export const AUDIT_EXPORT_LIMITS = Symbol('AuditExportLimits');
export const DEFAULT_AUDIT_EXPORT_LIMITS: AuditExportLimits = { maxRows: 1_000_000, perOrg: 2 };
/** Records per RPC page of an export: the audit service's largest page. */
export const AUDIT_EXPORT_PAGE = 500;

export type AuditExportFormat = 'ndjson' | 'csv';

/** Fetches one page of the export's query: `countLimit` is asked only with the first. */
export type ExportPageFetch = (cursor: string, countLimit: number) => Promise<QueryAuditEventsResponse>;

function framing(format: AuditExportFormat, name: string): Framing {
  return format === 'csv'
    ? { contentType: 'text/csv; charset=utf-8', filename: `${name}.csv`, prefix: csvLine([...AUDIT_CSV_HEADER]), separator: '', suffix: '' }
    : { contentType: 'application/x-ndjson; charset=utf-8', filename: `${name}.ndjson`, prefix: '', separator: '', suffix: '' };
}

/**
 * Streams every record a filter matches, newest first, paging through the audit service a page at a
 * time (the gateway holds one page). The first page comes with a capped count, so an export over
 * `maxRows` is refused with a 400 before anything is sent; a failure after the first page resets the
 * connection (an incomplete download, never one that looks complete), as does a chain that grew past
 * the cap between the count and the read.
 */
export class AuditExporter {
  private readonly running: StreamLimiter;

  constructor(private readonly limits: AuditExportLimits) {
    this.running = new StreamLimiter(limits.perOrg);
  }

  async send(res: Response, org: string, format: AuditExportFormat, fetchPage: ExportPageFetch): Promise<void> {
    const release = this.running.acquire(org);
    if (!release) {
      res.setHeader('retry-after', '30');
      throw new HttpException(`at most ${this.limits.perOrg} audit exports of an organisation run at once; try again when one has finished`, HttpStatus.TOO_MANY_REQUESTS);
    }
    try {
      const { maxRows } = this.limits;
      const first = await fetchPage('', maxRows + 1);
      if (first.matched > BigInt(maxRows)) {
        throw new BadRequestException(`the export matches more than ${maxRows.toLocaleString('en-US')} records, the most one export carries; narrow it, e.g. with from and to`);
      }
      const encode = format === 'csv' ? auditCsvLine : auditNdjsonLine;
      let cursor = first.nextCursor;
      const pages: Pages = {
        first: first.events.map(encode),
        more: () => cursor !== '',
        next: async (sent) => {
          const page = await fetchPage(cursor, 0);
          if (sent + page.events.length > maxRows) throw new Error('the export grew past its cap while it was read');
          cursor = page.nextCursor;
          return page.events.map((e: StoredAuditEvent) => encode(e));
        },
      };
      const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
      await sendPaged(res, framing(format, `ferry-audit-${org}-${stamp}`), pages);
    } finally {
      release();
    }
  }
}
