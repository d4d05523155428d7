import type { Clock } from '@ferry/connectors/application';

/** A Clock that moves only when a test moves it. */
export class SettableClock implements Clock {
  private current: number;

  constructor(start: Date = new Date('2025-03-03T09:00:00.000Z')) {
    this.current = start.getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  advance(ms: number): void {
    this.current += ms;
  }
}
