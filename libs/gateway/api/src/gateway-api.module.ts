import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { AuditController } from './audit/audit.controller';
import { RpcFailureFilter } from './common/rpc-failure.filter';
import { ConnectorsController } from './connectors/connectors.controller';

/** The public HTTP API, /api/v1. Requires MessagingModule in the importing app. */
@Module({
  controllers: [ConnectorsController, AuditController],
  providers: [{ provide: APP_FILTER, useClass: RpcFailureFilter }],
})
export class GatewayApiModule {}
