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
