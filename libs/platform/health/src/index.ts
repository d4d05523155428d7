export { HealthModule } from './health.module';
export type { HealthModuleOptions } from './health-module.options';
export { ReadinessRegistry } from './readiness.registry';
export type { ProbeHolder, ProbeResult, ReadinessProbe } from './readiness-probe.interface';
