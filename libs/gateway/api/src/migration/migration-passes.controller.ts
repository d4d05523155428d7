import {
  Body,
  Controller,
  Get,
  HttpCode,
  HttpException,
  HttpStatus,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  Res,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import {
  type PassRefSchema,
  type PassResponseSchema,
  type PassStatus,
  Rpc,
  type RpcContract,
  RpcErrorCode,
} from '@ferry/contracts';
import { AccessGuard, RequirePermission } from '@ferry/platform/auth';
import { MessagingClient, RpcFailure } from '@ferry/platform/messaging';
import type { Response } from 'express';
import { Forwarded, type ForwardedCaller } from '../common/forwarded-caller.decorator';
import { OrgIdPipe } from '../common/org-id.pipe';
import { RpcFailureFilter } from '../common/rpc-failure.filter';
import { StreamLimiter } from '../common/stream-limiter';
import { ZodBodyPipe } from '../common/zod-body.pipe';
import { ZodQueryPipe } from '../common/zod-query.pipe';
import { type Page, PageQuery } from './page-query.decorator';
import { MappingQuery, StartPassBody } from './migration.dto';
import { passView, progressView } from './migration.view';
import { ENDED_PASS_STATUSES, PASS_KIND } from './migration-names';
import { DEFAULT_STREAM_TIMING, streamProgress } from './progress-events';

const uuid = new ParseUUIDPipe({ version: undefined });
/** Starting a pass queues one plan item per mailbox (tens of thousands for a large project). */
const START_TIMEOUT_MS = 60_000;
/** Live progress streams one organisation may hold open on one gateway replica. */
export const MAX_PROGRESS_STREAMS_PER_ORG = 10;
/** What a failed poll of a live stream would have answered (the stream then ends). */
const STREAM_ERROR_STATUS: Partial<Record<RpcErrorCode, number>> = {
  [RpcErrorCode.UNAUTHENTICATED]: 401,
  [RpcErrorCode.PERMISSION_DENIED]: 403,
  [RpcErrorCode.NOT_FOUND]: 404,
  [RpcErrorCode.RESOURCE_EXHAUSTED]: 429,
  [RpcErrorCode.UNAVAILABLE]: 503,
};

/**
 * /api/v1/orgs/{org}/migration/projects/{project}/passes and progress, forwarded to the migration
 * service with the caller's token. Live progress is Server-Sent Events from polling the progress RPC.
 */
@UseFilters(RpcFailureFilter)
@UseGuards(AccessGuard)
@Controller('api/v1/orgs/:org/migration/projects/:project')
export class MigrationPassesController {
  private readonly streams = new StreamLimiter(MAX_PROGRESS_STREAMS_PER_ORG);
  /** Poll and heartbeat periods; tests shorten them. */
  static timing = DEFAULT_STREAM_TIMING;

  constructor(private readonly messaging: MessagingClient) {}

  @RequirePermission('migration.run')
  @Post('passes')
  @HttpCode(201)
  async start(
    @Param('org', OrgIdPipe) org: string,
    @Param('project', uuid) project: string,
    @Body(new ZodBodyPipe(StartPassBody)) body: StartPassBody,
    @Forwarded() caller: ForwardedCaller,
  ) {
    const r = await this.messaging.request(
      Rpc.migration.startPass,
      {
        ref: { orgId: org, projectId: project, caller },
        kind: PASS_KIND[body.kind],
        final: body.final,
        ...(body.scheduledFor && { scheduledFor: timestampFromDate(new Date(body.scheduledFor)) }),
      },
      { timeoutMs: START_TIMEOUT_MS },
    );
    return passView(r.pass);
  }

  @RequirePermission('migration.read')
  @Get('passes')
  async list(
    @Param('org', OrgIdPipe) org: string,
    @Param('project', uuid) project: string,
    @Forwarded() caller: ForwardedCaller,
  ) {
    const r = await this.messaging.request(Rpc.migration.listPasses, {
      orgId: org,
      projectId: project,
      caller,
    });
    return { items: r.passes.map(passView) };
  }

  @RequirePermission('migration.read')
  @Get('passes/:pass')
  async get(
    @Param('org', OrgIdPipe) org: string,
    @Param('project', uuid) project: string,
    @Param('pass', uuid) pass: string,
    @Forwarded() caller: ForwardedCaller,
  ) {
    const r = await this.messaging.request(Rpc.migration.getPass, {
      orgId: org,
      projectId: project,
      passId: pass,
      caller,
    });
    return passView(r.pass);
  }

  @RequirePermission('migration.run')
  @Post('passes/:pass/pause')
  @HttpCode(200)
  pause(
    @Param('org', OrgIdPipe) org: string,
    @Param('project', uuid) project: string,
    @Param('pass', uuid) pass: string,
    @Forwarded() caller: ForwardedCaller,
  ) {
    return this.change(Rpc.migration.pausePass, org, project, pass, caller);
  }

  @RequirePermission('migration.run')
  @Post('passes/:pass/resume')
  @HttpCode(200)
  resume(
    @Param('org', OrgIdPipe) org: string,
    @Param('project', uuid) project: string,
    @Param('pass', uuid) pass: string,
    @Forwarded() caller: ForwardedCaller,
  ) {
    return this.change(Rpc.migration.resumePass, org, project, pass, caller);
  }

  @RequirePermission('migration.run')
  @Post('passes/:pass/cancel')
  @HttpCode(200)
  cancel(
    @Param('org', OrgIdPipe) org: string,
    @Param('project', uuid) project: string,
    @Param('pass', uuid) pass: string,
    @Forwarded() caller: ForwardedCaller,
  ) {
    return this.change(Rpc.migration.cancelPass, org, project, pass, caller);
  }

  private async change(
    contract: RpcContract<typeof PassRefSchema, typeof PassResponseSchema>,
    org: string,
    project: string,
    pass: string,
    caller: ForwardedCaller,
  ) {
    const r = await this.messaging.request(contract, {
      orgId: org,
      projectId: project,
      passId: pass,
      caller,
    });
    return passView(r.pass);
  }

  /** The newest pass's progress (`pass: null` before the first pass). */
  @RequirePermission('migration.read')
  @Get('progress')
  async projectProgress(
    @Param('org', OrgIdPipe) org: string,
    @Param('project', uuid) project: string,
    @PageQuery() { offset, limit }: Page,
    @Forwarded() caller: ForwardedCaller,
  ) {
    return progressView(await this.progress(org, project, '', '', offset, limit, caller));
  }

  /** One pass's progress; `mapping` narrows it to one mailbox. */
  @RequirePermission('migration.read')
  @Get('passes/:pass/progress')
  async passProgress(
    @Param('org', OrgIdPipe) org: string,
    @Param('project', uuid) project: string,
    @Param('pass', uuid) pass: string,
    @Query('mapping', new ZodQueryPipe('mapping', MappingQuery, 'a UUID')) mapping: string | undefined,
    @PageQuery() { offset, limit }: Page,
    @Forwarded() caller: ForwardedCaller,
  ) {
    return progressView(await this.progress(org, project, pass, mapping ?? '', offset, limit, caller));
  }

  /**
   * Live progress as Server-Sent Events: `progress` events (the body of .../progress) when it changes,
   * polled about once a second; a heartbeat comment every 15 s; `end` once the pass has ended. 429 past
   * the organisation's open streams.
   */
  @RequirePermission('migration.read')
  @Get('passes/:pass/events')
  async events(
    @Param('org', OrgIdPipe) org: string,
    @Param('project', uuid) project: string,
    @Param('pass', uuid) pass: string,
    @PageQuery() { offset, limit }: Page,
    @Forwarded() caller: ForwardedCaller,
    @Res() res: Response,
  ): Promise<void> {
    const release = this.streams.acquire(org);
    if (!release) {
      res.setHeader('retry-after', '15');
      throw new HttpException(
        {
          statusCode: 429,
          error: 'Too Many Requests',
          message: `at most ${MAX_PROGRESS_STREAMS_PER_ORG} live progress streams per organisation`,
        },
        HttpStatus.TOO_MANY_REQUESTS,
      );
    }
    const snapshot = async () => {
      const r = await this.progress(org, project, pass, '', offset, limit, caller);
      return { data: progressView(r), ended: ENDED_PASS_STATUSES.includes(r.pass?.status as PassStatus) };
    };
    let first;
    try {
      first = await snapshot();
    } catch (err) {
      release();
      throw err;
    }
    streamProgress(
      res,
      first,
      snapshot,
      (err) => (err instanceof RpcFailure ? (STREAM_ERROR_STATUS[err.code] ?? 500) : 500),
      MigrationPassesController.timing,
      release,
    );
  }

  private progress(
    org: string,
    project: string,
    pass: string,
    mapping: string,
    offset: number,
    limit: number,
    caller: ForwardedCaller,
  ) {
    return this.messaging.request(Rpc.migration.progress, {
      ref: { orgId: org, projectId: project, caller },
      passId: pass,
      mappingId: mapping,
      offset,
      limit,
    });
  }
}
