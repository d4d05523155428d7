import { Module } from '@nestjs/common';
import { AuditController } from './audit/audit.controller';
import { ConnectorsController } from './connectors/connectors.controller';

/** The public HTTP API, /api/v1. Requires MessagingModule in the importing app. */
@Module({
  controllers: [ConnectorsController, AuditController],
})
export class GatewayApiModule {}
