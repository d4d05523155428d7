import { expandRecurrence, parseRecurrence, RecurrenceError } from './recurrence';
import { formatDate, instantOf, type Wall } from './zoned-time';

const zone = 'Europe/Paris';
const toInstant = (w: Wall) => instantOf(w, zone);
const expand = (lines: string[], start: Wall, end = Date.UTC(2027, 0, 1), limit = 1000) =>
  expandRecurrence(parseRecurrence(lines), start, toInstant, (d) => instantOf(d.wall, d.zone ?? zone), end, limit).map((w) => `${formatDate(w)} ${w.h}`);

describe('recurrence expansion', () => {
  const monday9: Wall = { y: 2026, mo: 1, d: 5, h: 9, mi: 0, s: 0 };

  it('expands a daily COUNT rule and drops EXDATEs without extending the count', () => {
    expect(expand(['RRULE:FREQ=DAILY;COUNT=4', 'EXDATE;TZID=Europe/Paris:20260106T090000'], monday9)).toEqual(['2026-01-05 9', '2026-01-07 9', '2026-01-08 9']);
  });

  it('expands a weekly BYDAY rule with INTERVAL and UNTIL, and EXDATE in UTC', () => {
    expect(expand(['RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH;UNTIL=20260125T000000Z', 'EXDATE:20260108T080000Z'], monday9)).toEqual(['2026-01-05 9', '2026-01-19 9', '2026-01-22 9']);
  });

  it('expands monthly by month day and by nth weekday, skipping short months', () => {
    expect(expand(['RRULE:FREQ=MONTHLY;COUNT=3'], { ...monday9, mo: 1, d: 31 })).toEqual(['2026-01-31 9', '2026-03-31 9', '2026-05-31 9']);
    expect(expand(['RRULE:FREQ=MONTHLY;BYDAY=-1FR;COUNT=2'], monday9)).toEqual(['2026-01-30 9', '2026-02-27 9']);
  });

  it('stops an endless rule at the window end and the instance limit', () => {
    expect(expand(['RRULE:FREQ=WEEKLY'], monday9, Date.UTC(2026, 0, 20))).toHaveLength(3);
    expect(expand(['RRULE:FREQ=DAILY'], monday9, Infinity, 5)).toHaveLength(5);
  });

  it('refuses what it cannot expand', () => {
    expect(() => parseRecurrence(['RRULE:FREQ=SECONDLY'])).toThrow(RecurrenceError);
    expect(() => parseRecurrence(['RRULE:FREQ=DAILY;COUNT=2;UNTIL=20260101'])).toThrow(RecurrenceError);
    expect(() => parseRecurrence(['garbage'])).toThrow(RecurrenceError);
  });
});
