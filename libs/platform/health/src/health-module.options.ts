import type { InjectionToken } from '@nestjs/common';

/** How HealthModule finds and bounds readiness probes. */
export interface HealthModuleOptions {
  /**
   * Providers, from any module of the app, that are a ReadinessProbe or hold one as `.probe`
   * (class or token), e.g. `[MessagingClient, DatabaseReadinessProbe]`. Resolved at start-up; a
   * missing one fails the boot.
   */
  readonly probes?: readonly InjectionToken[];
  /** Longest a probe may take; a slower one counts as down. Default 2000 ms. */
  readonly probeTimeoutMs?: number;
}

/** Injection token of the validated options. */
export const HEALTH_MODULE_OPTIONS = Symbol('HEALTH_MODULE_OPTIONS');

/** Options after defaults and validation. */
export interface ResolvedHealthOptions {
  readonly probes: readonly InjectionToken[];
  readonly probeTimeoutMs: number;
}

const DEFAULT_PROBE_TIMEOUT_MS = 2_000;

/**
 * Applies defaults and checks ranges.
 * @throws Error naming the bad option.
 */
export function resolveHealthOptions(options: HealthModuleOptions): ResolvedHealthOptions {
  const probeTimeoutMs = options.probeTimeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
  if (!Number.isSafeInteger(probeTimeoutMs) || probeTimeoutMs <= 0) {
    throw new Error(
      `HealthModule: probeTimeoutMs must be a positive whole number; got ${String(probeTimeoutMs)}`,
    );
  }
  return { probes: options.probes ?? [], probeTimeoutMs };
}
