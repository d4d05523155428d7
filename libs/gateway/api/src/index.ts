export { GatewayApiModule } from './gateway-api.module';
