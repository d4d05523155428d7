export { GatewayApiModule } from './gateway-api.module';
export type { GatewayApiOptions } from './gateway-api.options';
