import { Injectable } from '@nestjs/common';
import { assertReadinessProbe, type ReadinessProbe } from './readiness-probe.interface';

/**
 * The probes /health/ready checks. HealthModule fills it from `forRoot({ probes })`; a module can
 * also inject it and `register()` a probe it creates at run time.
 */
@Injectable()
export class ReadinessRegistry {
  private readonly probes = new Map<string, ReadinessProbe>();

  /**
   * Adds a probe.
   * @throws Error for a malformed probe or a name already registered.
   */
  register(probe: ReadinessProbe): void {
    assertReadinessProbe(probe, 'ReadinessRegistry.register: the argument');
    if (this.probes.has(probe.name)) {
      throw new Error(`ReadinessRegistry.register: a probe named "${probe.name}" is already registered`);
    }
    this.probes.set(probe.name, probe);
  }

  /** The registered probes, in registration order. */
  list(): readonly ReadinessProbe[] {
    return [...this.probes.values()];
  }
}
