import type { Clock } from '@ferry/identity/application';

/** A Clock tests move by hand. */
export class SettableClock implements Clock {
  private current: number;

  constructor(start: Date = new Date('2025-01-15T09:00:00.000Z')) {
    this.current = start.getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  set(at: Date): void {
    this.current = at.getTime();
  }

  advance(ms: number): void {
    this.current += ms;
  }
}
