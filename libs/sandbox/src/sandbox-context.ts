import type { ContentRetention } from './content/content-source';
import type { FaultInjector } from './faults/fault-injector';
import type { Dispatch } from './http/internal-dispatch';
import type { Route } from './http/route';
import type { Clock } from './identity/clock';
import type { TokenService } from './identity/token-service';
import type { Scenario } from './scenario/scenario.schema';
import type { Directory } from './state/directory';
import type { ThrottleGovernor } from './throttle/throttle-governor';

/** What every workload shares: the tenants, the clock, tokens, budgets, faults and the public origin. */
export interface SandboxContext {
  readonly scenario: Scenario;
  readonly directory: Directory;
  readonly clock: Clock;
  readonly tokens: TokenService;
  readonly throttle: ThrottleGovernor;
  readonly faults: FaultInjector;
  readonly retention: ContentRetention;
  /** `https://127.0.0.1:P`, known once the server listens; used for next links and upload URLs. */
  origin(): string;
  /**
   * Sends one request through the server's own pipeline in-process (routing, auth, faults,
   * throttling, handler) and returns what it answered; Graph `$batch` runs its sub-requests so.
   */
  readonly dispatch?: Dispatch;
}

/**
 * One emulated API family (Graph mail, Gmail, Drive, ...): its routes (API and `/_sandbox`
 * inspection), and how it seeds itself from the scenario. Workloads own their state.
 */
export interface Workload {
  readonly name: string;
  routes(): readonly Route[];
  /** Seeds this workload's state for every tenant of the scenario; deterministic for the seed. */
  seed(): void;
  /** Counts for the inspection summary (`GET /_sandbox/summary`). */
  summary?(): Record<string, unknown>;
}

export type WorkloadFactory = (ctx: SandboxContext) => Workload;
