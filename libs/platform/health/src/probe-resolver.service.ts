import { Inject, Injectable, type InjectionToken, type OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { HEALTH_MODULE_OPTIONS, type ResolvedHealthOptions } from './health-module.options';
import { assertReadinessProbe, isReadinessProbe, type ReadinessProbe } from './readiness-probe.interface';
import { ReadinessRegistry } from './readiness.registry';

/**
 * Registers the probes named in `HealthModule.forRoot({ probes })`, looking each token up across
 * the whole app once every provider exists, so a wiring mistake fails the boot, not the first poll.
 */
@Injectable()
export class ProbeResolver implements OnModuleInit {
  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly registry: ReadinessRegistry,
    @Inject(HEALTH_MODULE_OPTIONS) private readonly options: ResolvedHealthOptions,
  ) {}

  onModuleInit(): void {
    for (const token of this.options.probes) this.registry.register(this.resolve(token));
  }

  private resolve(token: InjectionToken): ReadinessProbe {
    const label = `HealthModule probe ${describeToken(token)}`;
    let instance: unknown;
    try {
      instance = this.moduleRef.get(token, { strict: false });
    } catch {
      throw new Error(`${label} is not provided by any module; import the module that provides it`);
    }
    const probe = isReadinessProbe(instance)
      ? instance
      : (instance as { probe?: unknown } | undefined)?.probe;
    if (!isReadinessProbe(probe)) {
      throw new Error(`${label} is neither a ReadinessProbe nor an object holding one as .probe`);
    }
    assertReadinessProbe(probe, label);
    return probe;
  }
}

function describeToken(token: InjectionToken): string {
  return typeof token === 'function' ? token.name : String(token);
}
