import { BadRequestException, Body, Controller, Get, Param, Put, Query, Req, UseFilters, UseGuards } from '@nestjs/common';
import { ActorKind, Outcome, Rpc, type StoredAuditEvent } from '@ferry/contracts';
import { timestampDate } from '@bufbuild/protobuf/wkt';
import { AccessGuard, BearerToken, RequirePermission } from '@ferry/platform/auth';
import { MessagingClient } from '@ferry/platform/messaging';
import type { Request } from 'express';
import { callerOf } from '../common/caller';
import { OrgIdPipe } from '../common/org-id.pipe';
import { RpcFailureFilter } from '../common/rpc-failure.filter';
import { ZodBodyPipe } from '../common/zod-body.pipe';
import { RetentionBody, SEQUENCE_PARAM, verificationView } from './audit-chain.view';

/** A verification reads the whole range; long chains take seconds (see services/audit/README.md). */
const VERIFY_TIMEOUT_MS = 120_000;

function view(stored: StoredAuditEvent) {
  const e = stored.event;
  return {
    sequence: stored.sequence.toString(),
    id: e?.id,
    occurredAt: e?.occurredAt ? timestampDate(e.occurredAt).toISOString() : null,
    action: e?.action,
    actor: { kind: ActorKind[e?.actor?.kind ?? ActorKind.UNSPECIFIED].toLowerCase(), id: e?.actor?.id ?? '' },
    target: { type: e?.target?.type ?? '', id: e?.target?.id ?? '' },
    outcome: Outcome[e?.outcome ?? Outcome.UNSPECIFIED].toLowerCase(),
    sourceAddress: e?.sourceAddress ?? '',
    userAgent: e?.userAgent ?? '',
    traceId: e?.traceId ?? '',
    detail: e?.detail ?? {},
  };
}

/** /api/v1/orgs/{org}/audit — forwarded to the audit service. */
// Controller-scoped, so it takes precedence over the runtime's global catch-all filter.
@UseFilters(RpcFailureFilter)
@UseGuards(AccessGuard)
@Controller('api/v1/orgs/:org/audit')
export class AuditController {
  constructor(private readonly messaging: MessagingClient) {}

  @RequirePermission('audit.read')
  @Get()
  async query(@Param('org', OrgIdPipe) org: string, @BearerToken() token: string, @Req() req: Request, @Query('limit') limit?: string, @Query('cursor') cursor?: string) {
    if (limit !== undefined && !/^\d{1,4}$/.test(limit)) throw new BadRequestException('limit must be an integer 1-500');
    if (cursor !== undefined && typeof cursor !== 'string') throw new BadRequestException('cursor must be a string');
    const page = await this.messaging.request(Rpc.audit.query, {
      orgId: org,
      limit: limit === undefined ? 0 : Number(limit),
      cursor: cursor ?? '',
      caller: callerOf(req, token),
    });
    return { items: page.events.map(view), nextCursor: page.nextCursor || null };
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
