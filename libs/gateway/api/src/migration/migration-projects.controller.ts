import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Put,
  Query,
  Req,
  Res,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import { Rpc } from '@ferry/contracts';
import { AccessGuard, RequirePermission } from '@ferry/platform/auth';
import { MessagingClient } from '@ferry/platform/messaging';
import type { Request, Response } from 'express';
import { csvLine } from '../common/csv-writer';
import { Forwarded, type ForwardedCaller } from '../common/forwarded-caller.decorator';
import { OrgIdPipe } from '../common/org-id.pipe';
import { csvFraming, encodedPages, sendPaged } from '../common/paged-download';
import { RpcFailureFilter } from '../common/rpc-failure.filter';
import { ZodBodyPipe } from '../common/zod-body.pipe';
import { ZodQueryPipe } from '../common/zod-query.pipe';
import { imapUsersLimit } from '../connectors/imap-users.body';
import { type Page, PageQuery } from './page-query.decorator';
import { CreateProjectBody, FormatQuery } from './migration.dto';
import { mappingView, projectView } from './migration.view';
import { DELETION_POLICY, EXTRA_LABELS } from './migration-names';
import { textCsvBody } from './text-csv.body';

const uuid = new ParseUUIDPipe({ version: undefined });
/** An import checks and stores up to 50,000 rows in one transaction. */
const IMPORT_TIMEOUT_MS = 60_000;
/** Rows per RPC page of an export: well under the bus's message limit. */
const EXPORT_PAGE = 1000;
/** The header of an exported mapping: the columns the import reads. */
const MAPPING_HEADER = ['source_address', 'target_address'];

/**
 * /api/v1/orgs/{org}/migration/projects and their user mappings, forwarded to the migration service
 * with the caller's token (the service verifies it again and scopes everything by the organisation).
 */
@UseFilters(RpcFailureFilter)
@UseGuards(AccessGuard)
@Controller('api/v1/orgs/:org/migration/projects')
export class MigrationProjectsController {
  constructor(private readonly messaging: MessagingClient) {}

  @RequirePermission('migration.run')
  @Post()
  @HttpCode(201)
  async create(
    @Param('org', OrgIdPipe) org: string,
    @Body(new ZodBodyPipe(CreateProjectBody)) body: CreateProjectBody,
    @Forwarded() caller: ForwardedCaller,
  ) {
    const r = await this.messaging.request(Rpc.migration.createProject, {
      orgId: org,
      name: body.name,
      sourceConnectorId: body.sourceConnectorId,
      targetConnectorId: body.targetConnectorId,
      workloads: body.workloads,
      deletionPolicy: DELETION_POLICY[body.deletionPolicy],
      extraLabels: EXTRA_LABELS[body.extraLabels],
      caller,
    });
    return projectView(r.project);
  }

  @RequirePermission('migration.read')
  @Get()
  async list(@Param('org', OrgIdPipe) org: string, @Forwarded() caller: ForwardedCaller) {
    const r = await this.messaging.request(Rpc.migration.listProjects, {
      orgId: org,
      caller,
    });
    return { items: r.projects.map(projectView) };
  }

  @RequirePermission('migration.read')
  @Get(':project')
  async get(
    @Param('org', OrgIdPipe) org: string,
    @Param('project', uuid) project: string,
    @Forwarded() caller: ForwardedCaller,
  ) {
    const r = await this.messaging.request(Rpc.migration.getProject, {
      orgId: org,
      projectId: project,
      caller,
    });
    return projectView(r.project);
  }

  @RequirePermission('migration.run')
  @Delete(':project')
  @HttpCode(204)
  async remove(
    @Param('org', OrgIdPipe) org: string,
    @Param('project', uuid) project: string,
    @Forwarded() caller: ForwardedCaller,
  ): Promise<void> {
    await this.messaging.request(Rpc.migration.deleteProject, {
      orgId: org,
      projectId: project,
      caller,
    });
  }

  /** Replaces the mapping: 200 `{ imported }`, or 400 with one violation per refused line (nothing stored). */
  @RequirePermission('migration.run')
  @Put(':project/mappings')
  async importMappings(
    @Param('org', OrgIdPipe) org: string,
    @Param('project', uuid) project: string,
    @Forwarded() caller: ForwardedCaller,
    @Req() req: Request,
  ) {
    const csv = textCsvBody(req, imapUsersLimit((await this.messaging.ready()).info?.max_payload), {
      what: 'the user mapping',
      shape: `a header row (${MAPPING_HEADER.join(',')}), then one source,target pair per line`,
    });
    const r = await this.messaging.request(
      Rpc.migration.importMappings,
      { ref: { orgId: org, projectId: project, caller }, csv },
      { timeoutMs: IMPORT_TIMEOUT_MS },
    );
    return { imported: r.imported };
  }

  /** A page of the mapping as JSON, or (`format=csv`) all of it as a CSV the import takes back. */
  @RequirePermission('migration.read')
  @Get(':project/mappings')
  async mappings(
    @Param('org', OrgIdPipe) org: string,
    @Param('project', uuid) project: string,
    @Query('format', new ZodQueryPipe('format', FormatQuery, 'json or csv')) format: 'json' | 'csv',
    @PageQuery() { offset, limit }: Page,
    @Forwarded() caller: ForwardedCaller,
    @Res() res: Response,
  ): Promise<void> {
    const page = (from: number, size: number) =>
      this.messaging.request(Rpc.migration.listMappings, {
        ref: { orgId: org, projectId: project, caller },
        offset: from,
        limit: size,
      });
    if (format === 'json') {
      const r = await page(offset, limit);
      res.status(200).json({ items: r.mappings.map(mappingView), total: r.total, offset, limit });
      return;
    }
    const first = await page(0, EXPORT_PAGE);
    const row = (m: (typeof first.mappings)[number]) => csvLine([m.sourceAddress, m.targetAddress]);
    await sendPaged(
      res,
      csvFraming(`ferry-mapping-${project}.csv`, csvLine(MAPPING_HEADER)),
      encodedPages(
        first.mappings,
        async (from) => (await page(from, EXPORT_PAGE)).mappings,
        row,
        (from) => from < first.total,
      ),
    );
  }
}
