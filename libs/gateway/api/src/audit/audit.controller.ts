import { BadRequestException, Body, Controller, Get, Inject, Optional, Param, Put, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { Rpc } from '@ferry/contracts';
import { AccessGuard, BearerToken, RequirePermission } from '@ferry/platform/auth';
import { MessagingClient } from '@ferry/platform/messaging';
import type { Request, Response } from 'express';
import { callerOf } from '../common/caller';
import { Forwarded, type ForwardedCaller } from '../common/forwarded-caller.decorator';
import { OrgIdPipe } from '../common/org-id.pipe';
import { RpcFailureFilter } from '../common/rpc-failure.filter';
import { ZodBodyPipe } from '../common/zod-body.pipe';
import { RetentionBody, SEQUENCE_PARAM, verificationView } from './audit-chain.view';
import { AUDIT_EXPORT_LIMITS, AUDIT_EXPORT_PAGE, type AuditExportLimits, AuditExporter, DEFAULT_AUDIT_EXPORT_LIMITS } from './audit-export';
import { type AuditFilter, AuditFilterQuery, cursorOf, limitOf } from './audit-query.params';
import { auditRecordView } from './audit-record.view';

/** A verification reads the whole range; long chains take seconds (see services/audit/README.md). */
const VERIFY_TIMEOUT_MS = 120_000;

/**
 * /api/v1/orgs/{org}/audit — forwarded to the audit service, which checks the token again. Reading
 * the trail (pages, exports, session logs, verification) needs audit.read: the auditor and org-admin
 * roles of that organisation.
 */
// Controller-scoped, so it takes precedence over the runtime's global catch-all filter.
@UseFilters(RpcFailureFilter)
@UseGuards(AccessGuard)
@Controller('api/v1/orgs/:org/audit')
export class AuditController {
  private readonly exporter: AuditExporter;

  constructor(
    private readonly messaging: MessagingClient,
    @Optional() @Inject(AUDIT_EXPORT_LIMITS) limits?: AuditExportLimits,
  ) {
    this.exporter = new AuditExporter(limits ?? DEFAULT_AUDIT_EXPORT_LIMITS);
  }

  /** A page of records matching the filters, newest first. */
  @RequirePermission('audit.read')
  @Get()
  async query(@Param('org', OrgIdPipe) org: string, @AuditFilterQuery() filter: AuditFilter, @Forwarded() caller: ForwardedCaller, @Query('limit') limit?: unknown, @Query('cursor') cursor?: unknown) {
    const page = await this.messaging.request(Rpc.audit.query, { orgId: org, filter, limit: limitOf(limit), cursor: cursorOf(cursor), caller });
    return { items: page.events.map(auditRecordView), nextCursor: page.nextCursor || null };
  }

  /** Every record matching the filters, newest first, as an NDJSON or CSV download (at most the export cap). */
  @RequirePermission('audit.read')
  @Get('export')
  async export(@Param('org', OrgIdPipe) org: string, @AuditFilterQuery() filter: AuditFilter, @Forwarded() caller: ForwardedCaller, @Query('format') format: unknown, @Res() res: Response): Promise<void> {
    if (format !== undefined && format !== 'ndjson' && format !== 'csv') throw new BadRequestException('query parameter format must be ndjson or csv, given once');
    await this.exporter.send(res, org, format ?? 'ndjson', (cursor, countLimit) =>
      this.messaging.request(Rpc.audit.query, { orgId: org, filter, limit: AUDIT_EXPORT_PAGE, cursor, countLimit, caller }),
    );
  }

  /** One sign-in session's records (sign-in, API calls, refreshes, sign-out), oldest first; an unknown session has none. */
  @RequirePermission('audit.read')
  @Get('sessions/:sessionId')
  async session(@Param('org', OrgIdPipe) org: string, @Param('sessionId') sessionId: string, @Forwarded() caller: ForwardedCaller, @Query('limit') limit?: unknown, @Query('cursor') cursor?: unknown) {
    const page = await this.messaging.request(Rpc.audit.sessionEvents, { orgId: org, sessionId, limit: limitOf(limit), cursor: cursorOf(cursor), caller });
    return { sessionId, items: page.events.map(auditRecordView), nextCursor: page.nextCursor || null };
  }

  /** Verifies the organisation's hash chain (or `from`..`to` of it) and reports the first violation. */
  @RequirePermission('audit.read')
  @Get('verification')
  async verification(@Param('org', OrgIdPipe) org: string, @BearerToken() token: string, @Req() req: Request, @Query('from') from?: unknown, @Query('to') to?: unknown) {
    for (const [name, value] of [['from', from], ['to', to]] as const) {
      if (value !== undefined && (typeof value !== 'string' || !SEQUENCE_PARAM.test(value))) throw new BadRequestException(`${name} must be a sequence number (1 or more)`);
    }
    const result = await this.messaging.request(
      Rpc.audit.verify,
      { orgId: org, fromSequence: from === undefined ? 0n : BigInt(from as string), toSequence: to === undefined ? 0n : BigInt(to as string), caller: callerOf(req, token) },
      { timeoutMs: VERIFY_TIMEOUT_MS },
    );
    return verificationView(result);
  }

  @RequirePermission('audit.read')
  @Get('retention')
  async retention(@Param('org', OrgIdPipe) org: string, @BearerToken() token: string, @Req() req: Request) {
    const r = await this.messaging.request(Rpc.audit.getRetention, { orgId: org, caller: callerOf(req, token) });
    return { days: r.days, configured: r.configured };
  }

  /** Changes how long the organisation's audit records are kept; audited, or refused when it cannot be. */
  @RequirePermission('org.manage')
  @Put('retention')
  async setRetention(@Param('org', OrgIdPipe) org: string, @Body(new ZodBodyPipe(RetentionBody)) body: RetentionBody, @BearerToken() token: string, @Req() req: Request) {
    const r = await this.messaging.request(Rpc.audit.setRetention, { orgId: org, days: body.days, caller: callerOf(req, token) });
    return { days: r.days, configured: r.configured };
  }
}
