export { runService, type RunServiceOptions } from './run-service';
export { SERVICE_CONFIG, type ServiceConfig } from './service-config';
export { type ServiceDatabase, ServiceKitModule, type ServiceKitOptions } from './service-kit.module';
