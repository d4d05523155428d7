import { Inject, Injectable, Logger, ServiceUnavailableException } from '@nestjs/common';
import {
  HealthCheckService,
  type HealthCheckResult,
  type HealthIndicatorFunction,
  HealthIndicatorService,
} from '@nestjs/terminus';
import { HEALTH_MODULE_OPTIONS, type ResolvedHealthOptions } from './health-module.options';
import { sanitizeProbeDetail } from './probe-detail.sanitizer';
import type { ProbeResult, ReadinessProbe } from './readiness-probe.interface';
import { ReadinessRegistry } from './readiness.registry';

/** One probe's bounded, sanitised answer. */
interface ProbeOutcome extends ProbeResult {
  readonly durationMs: number;
}

/** The readiness answer: the terminus result and the HTTP status it maps to. */
export interface ReadinessReport {
  readonly statusCode: 200 | 503;
  readonly body: HealthCheckResult;
}

/**
 * Runs every registered probe through terminus, each bounded by the probe timeout. A probe that
 * throws or overruns counts as down. Concurrent polls share one run per probe, so a burst of
 * /health/ready requests cannot fan out into a burst of database queries.
 */
@Injectable()
export class ReadinessService {
  private readonly logger = new Logger('Readiness');
  private readonly inFlight = new Map<string, Promise<ProbeOutcome>>();
  private lastSummary: string | undefined;

  constructor(
    private readonly registry: ReadinessRegistry,
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(HEALTH_MODULE_OPTIONS) private readonly options: ResolvedHealthOptions,
  ) {}

  /** Checks all probes now. */
  async check(): Promise<ReadinessReport> {
    const checks: HealthIndicatorFunction[] = this.registry.list().map((probe) => async () => {
      const outcome = await this.outcomeOf(probe);
      const session = this.indicators.check(probe.name);
      const data = {
        durationMs: outcome.durationMs,
        ...(outcome.detail === undefined ? {} : { detail: outcome.detail }),
      };
      return outcome.up ? session.up(data) : session.down(data);
    });
    let report: ReadinessReport;
    try {
      report = { statusCode: 200, body: await this.health.check(checks) };
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      report = { statusCode: 503, body: error.getResponse() as HealthCheckResult };
    }
    this.logChange(report.body);
    return report;
  }

  private outcomeOf(probe: ReadinessProbe): Promise<ProbeOutcome> {
    let pending = this.inFlight.get(probe.name);
    if (pending === undefined) {
      pending = this.run(probe).finally(() => this.inFlight.delete(probe.name));
      this.inFlight.set(probe.name, pending);
    }
    return pending;
  }

  private async run(probe: ReadinessProbe): Promise<ProbeOutcome> {
    const started = performance.now();
    const timeoutMs = this.options.probeTimeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const overrun = new Promise<ProbeResult>((resolve) => {
      timer = setTimeout(() => resolve({ up: false, detail: `no answer within ${timeoutMs} ms` }), timeoutMs);
    });
    try {
      const result = await Promise.race([this.ask(probe), overrun]);
      return { ...result, durationMs: Math.round(performance.now() - started) };
    } finally {
      clearTimeout(timer);
    }
  }

  private async ask(probe: ReadinessProbe): Promise<ProbeResult> {
    try {
      const result: unknown = await probe.check();
      if (typeof result !== 'object' || result === null || typeof (result as ProbeResult).up !== 'boolean') {
        return { up: false, detail: 'probe returned no { up } result' };
      }
      const { up, detail } = result as ProbeResult;
      return { up, detail: sanitizeProbeDetail(detail) };
    } catch (error) {
      // The message may quote a driver error with credentials: only its class and code are kept.
      this.logger.warn(`Readiness probe "${probe.name}" threw ${describeThrown(error)}`);
      return { up: false, detail: 'probe failed; see the service log' };
    }
  }

  /** Logs readiness only when it changes, so a down database gives one line, not one per poll. */
  private logChange(result: HealthCheckResult): void {
    const down = Object.entries(result.error ?? {}).map(([name, state]) => {
      const detail = (state as { detail?: unknown }).detail;
      return typeof detail === 'string' ? `${name} (${detail})` : name;
    });
    const summary = down.length === 0 ? `ready (${result.status})` : `not ready: ${down.join(', ')}`;
    if (summary === this.lastSummary) return;
    this.lastSummary = summary;
    if (down.length === 0) this.logger.log(`Service is ${summary}`);
    else this.logger.warn(`Service is ${summary}`);
  }
}

function describeThrown(error: unknown): string {
  if (!(error instanceof Error)) return `a ${typeof error}`;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && /^[A-Z0-9_]{1,40}$/.test(code) ? `${error.name} (${code})` : error.name;
}
