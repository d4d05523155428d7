import { UseFilters, Body, Controller, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import { Rpc } from '@ferry/contracts';
import { MessagingClient } from '@ferry/platform/messaging';
import type { Request } from 'express';
import { OrgIdPipe } from '../common/org-id.pipe';
import { RpcFailureFilter } from '../common/rpc-failure.filter';
import { requestContext } from '../common/request-context';
import { ZodBodyPipe } from '../common/zod-body.pipe';
import { CreateConnectorBody, connectorView, kindFromName } from './connector.dto';

/** /api/v1/orgs/{org}/connectors — forwarded to the connectors service. */
// Controller-scoped, so it takes precedence over the runtime's global catch-all filter.
@UseFilters(RpcFailureFilter)
@Controller('api/v1/orgs/:org/connectors')
export class ConnectorsController {
  constructor(private readonly messaging: MessagingClient) {}

  @Post()
  @HttpCode(201)
  async create(
    @Param('org', OrgIdPipe) org: string,
    @Body(new ZodBodyPipe(CreateConnectorBody)) body: CreateConnectorBody,
    @Req() req: Request,
  ) {
    const { connector } = await this.messaging.request(Rpc.connectors.create, {
      orgId: org,
      name: body.name,
      kind: kindFromName(body.kind),
      secret: body.secret,
      context: requestContext(req),
    });
    if (!connector) throw new Error('connectors service answered without a connector');
    return connectorView(connector);
  }

  @Get()
  async list(@Param('org', OrgIdPipe) org: string) {
    const { connectors } = await this.messaging.request(Rpc.connectors.list, { orgId: org });
    return { items: connectors.map(connectorView) };
  }
}
