/**
 * How far a client's clock may disagree with the sandbox's when it signs an assertion, in seconds.
 * Entra and Google both accept a few minutes of skew; MSAL also rounds `nbf` to the nearest second,
 * so without a tolerance an assertion can be "not yet valid" for up to half a second.
 */
export const ASSERTION_CLOCK_SKEW_S = 300;

/** The sandbox's notion of now; tests move it forward to expire tokens and age delta tokens. */
export class Clock {
  private offsetMs = 0;

  /** `source` is the wall clock; unit tests pass a fixed one so elapsed real time cannot leak in. */
  constructor(private readonly source: () => number = Date.now) {}

  now(): number {
    return this.source() + this.offsetMs;
  }

  date(): Date {
    return new Date(this.now());
  }

  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError('the clock only moves forward');
    this.offsetMs += ms;
  }
}
