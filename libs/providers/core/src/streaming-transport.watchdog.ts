/** What the watchdog checks: an exchange in flight. */
export interface Watched {
  /** Fails the exchange when its connect deadline or idle timeout passed at `now` (ms since the epoch). */
  check(now: number): void;
}

/**
 * Checks the exchanges in flight every `tickMs` (connect deadline, idleness). Its timer runs while
 * there is something to watch and stops at the first tick that finds nothing; it does not hold the
 * process up (an exchange in flight has a socket that does).
 */
export class Watchdog {
  private readonly watched = new Set<Watched>();
  private timer?: NodeJS.Timeout;

  constructor(private readonly tickMs: number) {}

  watch(exchange: Watched): void {
    this.watched.add(exchange);
    this.timer ??= setInterval(() => this.tick(), this.tickMs).unref();
  }

  release(exchange: Watched): void {
    this.watched.delete(exchange);
  }

  private tick(): void {
    if (this.watched.size === 0) {
      clearInterval(this.timer);
      this.timer = undefined;
      return;
    }
    const now = Date.now();
    for (const exchange of this.watched) exchange.check(now);
  }
}
