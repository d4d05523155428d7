import { type DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller';
import {
  HEALTH_MODULE_OPTIONS,
  type HealthModuleOptions,
  resolveHealthOptions,
} from './health-module.options';
import { ProbeResolver } from './probe-resolver.service';
import { ReadinessRegistry } from './readiness.registry';
import { ReadinessService } from './readiness.service';

/**
 * `GET /health/live` and `GET /health/ready` for a Ferry service. Import once, in the app module;
 * ReadinessRegistry is then injectable everywhere.
 */
@Module({})
export class HealthModule {
  /**
   * @param options the probes readiness depends on and their timeout.
   * @throws Error for an invalid timeout.
   */
  static forRoot(options: HealthModuleOptions = {}): DynamicModule {
    return {
      module: HealthModule,
      global: true,
      // Terminus' own logging is off: ReadinessService logs transitions instead of every failed poll.
      imports: [TerminusModule.forRoot({ logger: false })],
      controllers: [HealthController],
      providers: [
        { provide: HEALTH_MODULE_OPTIONS, useValue: resolveHealthOptions(options) },
        ReadinessRegistry,
        ReadinessService,
        ProbeResolver,
      ],
      exports: [ReadinessRegistry],
    };
  }
}
