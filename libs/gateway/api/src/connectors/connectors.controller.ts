import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Put, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { MessageInitShape } from '@bufbuild/protobuf';
import { type RequestContextSchema, Rpc } from '@ferry/contracts';
import { AccessGuard, BearerToken, CurrentClaims, RequirePermission } from '@ferry/platform/auth';
import { MessagingClient } from '@ferry/platform/messaging';
import type { AccessClaims } from '@ferry/platform/rbac';
import type { Request, Response } from 'express';
import { callerOf } from '../common/caller';
import { OrgIdPipe } from '../common/org-id.pipe';
import { RpcFailureFilter } from '../common/rpc-failure.filter';
import { ZodBodyPipe } from '../common/zod-body.pipe';
import { ZodQueryPipe } from '../common/zod-query.pipe';
import { ProjectQuery, ReplaceQuery, RotateSecretBody, TestConnectorBody, UpdateConnectorBody } from './connector-change.dto';
import { connectorView, importResultView, testReportView } from './connector.view';
import { CreateConnectorBody, createRequestOf } from './create-connector.dto';
import { imapUsersCsv, imapUsersLimit } from './imap-users.body';

const connectorId = new ParseUUIDPipe({ version: undefined });
/** A connection test calls the tenant several times, each call bounded by the service's outbound timeout. */
const CONNECTION_TEST_TIMEOUT_MS = 60_000;
/** An import seals up to 50,000 credentials in one transaction. */
const IMAP_IMPORT_TIMEOUT_MS = 60_000;

/**
 * /api/v1/orgs/{org}/connectors and /api/v1/orgs/{org}/connector-credentials — forwarded to the
 * connectors service with the caller's token (the service verifies it again). Secrets go in, never out.
 */
// Controller-scoped, so it takes precedence over the runtime's global catch-all filter.
@UseFilters(RpcFailureFilter)
@UseGuards(AccessGuard)
@Controller('api/v1/orgs/:org')
export class ConnectorsController {
  constructor(private readonly messaging: MessagingClient) {}

  @RequirePermission('connectors.manage')
  @Post('connectors')
  @HttpCode(201)
  async create(@Param('org', OrgIdPipe) org: string, @Body(new ZodBodyPipe(CreateConnectorBody)) body: CreateConnectorBody, @CurrentClaims() claims: AccessClaims, @BearerToken() token: string, @Req() req: Request) {
    const r = await this.messaging.request(Rpc.connectors.create, createRequestOf(org, body, contextOf(claims, req, token)));
    return connectorView(r.connector);
  }

  @RequirePermission('connectors.read')
  @Get('connectors')
  async list(@Param('org', OrgIdPipe) org: string, @CurrentClaims() claims: AccessClaims, @BearerToken() token: string, @Req() req: Request) {
    const r = await this.messaging.request(Rpc.connectors.list, { orgId: org, context: contextOf(claims, req, token) });
    return { items: r.connectors.map(connectorView) };
  }

  @RequirePermission('connectors.read')
  @Get('connectors/:id')
  async get(@Param('org', OrgIdPipe) org: string, @Param('id', connectorId) id: string, @CurrentClaims() claims: AccessClaims, @BearerToken() token: string, @Req() req: Request) {
    const r = await this.messaging.request(Rpc.connectors.get, { orgId: org, connectorId: id, context: contextOf(claims, req, token) });
    return connectorView(r.connector);
  }

  @RequirePermission('connectors.manage')
  @Patch('connectors/:id')
  async update(
    @Param('org', OrgIdPipe) org: string,
    @Param('id', connectorId) id: string,
    @Body(new ZodBodyPipe(UpdateConnectorBody)) body: UpdateConnectorBody,
    @CurrentClaims() claims: AccessClaims,
    @BearerToken() token: string,
    @Req() req: Request,
  ) {
    const r = await this.messaging.request(Rpc.connectors.update, {
      ref: { orgId: org, connectorId: id, context: contextOf(claims, req, token) },
      ...(body.name !== undefined && { name: body.name }),
      replaceWorkloads: body.workloads !== undefined,
      workloads: body.workloads ?? [],
      ...(body.projectTag !== undefined && { projectTag: body.projectTag ?? '' }),
      expectedVersion: body.expectedVersion ?? 0,
    });
    return connectorView(r.connector);
  }

  @RequirePermission('connectors.manage')
  @Delete('connectors/:id')
  async remove(@Param('org', OrgIdPipe) org: string, @Param('id', connectorId) id: string, @CurrentClaims() claims: AccessClaims, @BearerToken() token: string, @Req() req: Request) {
    const r = await this.messaging.request(Rpc.connectors.delete, { orgId: org, connectorId: id, context: contextOf(claims, req, token) });
    return { secretsDeleted: r.secretsDeleted };
  }

  @RequirePermission('connectors.manage')
  @Put('connectors/:id/secret')
  async rotateSecret(
    @Param('org', OrgIdPipe) org: string,
    @Param('id', connectorId) id: string,
    @Body(new ZodBodyPipe(RotateSecretBody)) body: RotateSecretBody,
    @CurrentClaims() claims: AccessClaims,
    @BearerToken() token: string,
    @Req() req: Request,
  ) {
    const r = await this.messaging.request(Rpc.connectors.rotateSecret, {
      ref: { orgId: org, connectorId: id, context: contextOf(claims, req, token) },
      secret: body.secret,
      certificatePem: body.certificatePem ?? '',
      ...(body.expiresAt && { expiresAt: timestampFromDate(new Date(body.expiresAt)) }),
    });
    return connectorView(r.connector);
  }

  /** 200 when every row was stored; 422 with the refused rows (then none was stored). */
  @RequirePermission('connectors.manage')
  @Put('connectors/:id/imap-users')
  async importImapUsers(
    @Param('org', OrgIdPipe) org: string,
    @Param('id', connectorId) id: string,
    @Query('replace', new ZodQueryPipe('replace', ReplaceQuery, 'true or false, given once')) replace: 'true' | 'false',
    @CurrentClaims() claims: AccessClaims,
    @BearerToken() token: string,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const csv = imapUsersCsv(req, imapUsersLimit((await this.messaging.ready()).info?.max_payload));
    const r = await this.messaging.request(
      Rpc.connectors.importImapUsers,
      { ref: { orgId: org, connectorId: id, context: contextOf(claims, req, token) }, csv, replace: replace === 'true' },
      { timeoutMs: IMAP_IMPORT_TIMEOUT_MS },
    );
    if (r.errors.length > 0) res.status(422);
    return importResultView(r);
  }

  /** 200 whenever the test ran, passed or not: `ok` and the findings say which. */
  @RequirePermission('connectors.manage')
  @Post('connectors/:id/test')
  @HttpCode(200)
  async test(
    @Param('org', OrgIdPipe) org: string,
    @Param('id', connectorId) id: string,
    @Body(new ZodBodyPipe(TestConnectorBody)) body: TestConnectorBody,
    @CurrentClaims() claims: AccessClaims,
    @BearerToken() token: string,
    @Req() req: Request,
  ) {
    const r = await this.messaging.request(
      Rpc.connectors.test,
      { orgId: org, connectorId: id, sampleMailbox: body.sampleMailbox ?? '', context: contextOf(claims, req, token) },
      { timeoutMs: CONNECTION_TEST_TIMEOUT_MS },
    );
    return testReportView(r);
  }

  /** Deletes every credential of the connectors tagged with a completed project. */
  @RequirePermission('connectors.manage')
  @Delete('connector-credentials')
  async purgeProject(
    @Param('org', OrgIdPipe) org: string,
    @Query('project', new ZodQueryPipe('project', ProjectQuery, 'a project tag of 1-64 characters, given once')) project: string,
    @CurrentClaims() claims: AccessClaims,
    @BearerToken() token: string,
    @Req() req: Request,
  ) {
    const r = await this.messaging.request(Rpc.connectors.purgeProject, { orgId: org, projectTag: project, context: contextOf(claims, req, token) });
    return { connectors: r.connectors, secretsDeleted: r.secretsDeleted };
  }
}

function contextOf(claims: AccessClaims, req: Request, token: string): MessageInitShape<typeof RequestContextSchema> {
  return { actorId: claims.accountId, ...callerOf(req, token) };
}
