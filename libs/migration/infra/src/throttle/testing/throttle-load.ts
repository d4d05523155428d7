import { setMaxListeners } from 'node:events';
import type { RequestCost, RequestOutcome, ThrottleGovernor, ThrottleScope } from '@ferry/migration/application';

/** One permit as the load saw it. */
export interface Admission {
  readonly worker: number;
  readonly at: number;
}

export interface LoadSpec {
  readonly parallel: number;
  readonly holdMs: number;
  readonly cost?: RequestCost;
  /** How each request ends (ok unless given). */
  readonly outcome?: (worker: number) => RequestOutcome;
  /** Sends the request instead of holding `holdMs` (e.g. to a simulated vendor); its answer is the outcome. */
  readonly send?: (worker: number) => Promise<RequestOutcome>;
}

/**
 * Test load: loops per "worker" that acquire a permit, hold it like a request in flight, and release
 * it, recording when each was admitted and how many were in flight at once across all workers.
 */
export class ThrottleLoad {
  readonly admissions: Admission[] = [];
  inFlight = 0;
  maxInFlight = 0;
  private readonly abort = new AbortController();
  private readonly loops: Promise<void>[] = [];

  constructor(private readonly now: () => number = Date.now) {
    // Every loop waits on the same signal.
    setMaxListeners(0, this.abort.signal);
  }

  start(worker: number, governor: ThrottleGovernor, scope: ThrottleScope, spec: LoadSpec): void {
    for (let i = 0; i < spec.parallel; i++) this.loops.push(this.loop(worker, governor, scope, spec));
  }

  /** Stops the loops (waiting acquires are aborted) and waits for them. */
  async stop(): Promise<void> {
    this.abort.abort();
    await Promise.all(this.loops);
  }

  /** Admissions in [from, to). */
  count(from: number, to: number, worker?: number): number {
    return this.admissions.filter((a) => a.at >= from && a.at < to && (worker === undefined || a.worker === worker)).length;
  }

  /** The most admissions in any window of `windowMs`. */
  maxInWindow(windowMs: number): number {
    const times = this.admissions.map((a) => a.at).sort((a, b) => a - b);
    let worst = 0;
    for (let i = 0, j = 0; i < times.length; i++) {
      while ((times[j] as number) <= (times[i] as number) - windowMs) j++;
      worst = Math.max(worst, i - j + 1);
    }
    return worst;
  }

  private async loop(worker: number, governor: ThrottleGovernor, scope: ThrottleScope, spec: LoadSpec): Promise<void> {
    const signal = this.abort.signal;
    while (!signal.aborted) {
      let permit;
      try {
        permit = await governor.acquire(scope, spec.cost ?? { requests: 1 }, signal);
      } catch {
        return;
      }
      this.admissions.push({ worker, at: this.now() });
      this.maxInFlight = Math.max(this.maxInFlight, ++this.inFlight);
      let outcome: RequestOutcome;
      if (spec.send) outcome = await spec.send(worker);
      else {
        await new Promise((resolve) => setTimeout(resolve, spec.holdMs));
        outcome = spec.outcome?.(worker) ?? { kind: 'ok' };
      }
      this.inFlight--;
      permit.release(outcome);
    }
  }
}
