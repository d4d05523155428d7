import { Body, Controller, Get, HttpCode, Param, Post, Req, UseFilters, UseGuards } from '@nestjs/common';
import { Rpc } from '@ferry/contracts';
import { AccessGuard, BearerToken, CurrentClaims, RequirePermission } from '@ferry/platform/auth';
import type { AccessClaims } from '@ferry/platform/rbac';
import { MessagingClient } from '@ferry/platform/messaging';
import type { Request } from 'express';
import { OrgIdPipe } from '../common/org-id.pipe';
import { RpcFailureFilter } from '../common/rpc-failure.filter';
import { callerOf } from '../common/caller';
import { ZodBodyPipe } from '../common/zod-body.pipe';
import { CreateConnectorBody, connectorView, kindFromName } from './connector.dto';

/** /api/v1/orgs/{org}/connectors — forwarded to the connectors service. */
// Controller-scoped, so it takes precedence over the runtime's global catch-all filter.
@UseFilters(RpcFailureFilter)
@UseGuards(AccessGuard)
@Controller('api/v1/orgs/:org/connectors')
export class ConnectorsController {
  constructor(private readonly messaging: MessagingClient) {}

  @RequirePermission('connectors.manage')
  @Post()
  @HttpCode(201)
  async create(
    @Param('org', OrgIdPipe) org: string,
    @Body(new ZodBodyPipe(CreateConnectorBody)) body: CreateConnectorBody,
    @CurrentClaims() claims: AccessClaims,
    @BearerToken() token: string, @Req() req: Request,
  ) {
    const { connector } = await this.messaging.request(Rpc.connectors.create, {
      orgId: org,
      name: body.name,
      kind: kindFromName(body.kind),
      secret: body.secret,
      context: { actorId: claims.accountId, ...callerOf(req, token) },
    });
    if (!connector) throw new Error('connectors service answered without a connector');
    return connectorView(connector);
  }

  @RequirePermission('connectors.read')
  @Get()
  async list(@Param('org', OrgIdPipe) org: string, @CurrentClaims() claims: AccessClaims, @BearerToken() token: string, @Req() req: Request) {
    const { connectors } = await this.messaging.request(Rpc.connectors.list, { orgId: org, context: { actorId: claims.accountId, ...callerOf(req, token) } });
    return { items: connectors.map(connectorView) };
  }
}
