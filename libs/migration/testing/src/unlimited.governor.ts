import type { RequestCost, RequestOutcome, ThrottleGovernor, ThrottlePermit, ThrottleScope } from '@ferry/migration/application';

/** A governor that never waits but records what it was asked, for adapter tests. */
export class RecordingGovernor implements ThrottleGovernor {
  readonly acquired: { scope: ThrottleScope; cost: RequestCost }[] = [];
  readonly outcomes: RequestOutcome[] = [];
  inFlight = 0;
  maxInFlight = 0;

  acquire(scope: ThrottleScope, cost: RequestCost): Promise<ThrottlePermit> {
    this.acquired.push({ scope, cost });
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    let released = false;
    return Promise.resolve({
      release: (outcome: RequestOutcome) => {
        if (released) throw new Error('permit released twice');
        released = true;
        this.inFlight--;
        this.outcomes.push(outcome);
      },
    });
  }
}
