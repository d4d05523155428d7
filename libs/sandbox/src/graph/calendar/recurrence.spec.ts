import { type Recurrence, dateOfDay, dayNumber, occurrenceDays } from './recurrence';

const days = (r: Recurrence, until: string): string[] =>
  [...occurrenceDays(r, dayNumber(until) ?? 0)].map(dateOfDay);
const pattern = (p: Partial<Recurrence['pattern']>): Recurrence['pattern'] => ({
  type: 'daily',
  interval: 1,
  month: 0,
  dayOfMonth: 0,
  daysOfWeek: [],
  firstDayOfWeek: 'sunday',
  index: 'first',
  ...p,
});
const range = (r: Partial<Recurrence['range']>): Recurrence['range'] => ({
  type: 'noEnd',
  startDate: '2026-01-01',
  endDate: '0001-01-01',
  recurrenceTimeZone: 'UTC',
  numberOfOccurrences: 0,
  ...r,
});

describe('recurrence expansion', () => {
  it('daily every 2 days, numbered 4', () => {
    expect(
      days(
        { pattern: pattern({ interval: 2 }), range: range({ type: 'numbered', numberOfOccurrences: 4 }) },
        '2027-01-01',
      ),
    ).toEqual(['2026-01-01', '2026-01-03', '2026-01-05', '2026-01-07']);
  });

  it('weekly on Monday and Thursday every other week until an end date', () => {
    // 2026-01-01 is a Thursday; the week (from Sunday 28 Dec) counts as the first.
    const r: Recurrence = {
      pattern: pattern({ type: 'weekly', interval: 2, daysOfWeek: ['monday', 'thursday'] }),
      range: range({ type: 'endDate', endDate: '2026-01-26' }),
    };
    expect(days(r, '2027-01-01')).toEqual(['2026-01-01', '2026-01-12', '2026-01-15', '2026-01-26']);
  });

  it('absoluteMonthly on the 31st falls on the last day of shorter months', () => {
    const r: Recurrence = {
      pattern: pattern({ type: 'absoluteMonthly', dayOfMonth: 31 }),
      range: range({ startDate: '2026-01-31', type: 'numbered', numberOfOccurrences: 4 }),
    };
    expect(days(r, '2027-01-01')).toEqual(['2026-01-31', '2026-02-28', '2026-03-31', '2026-04-30']);
  });

  it('relativeMonthly on the last Friday, and on the second Tuesday', () => {
    expect(
      days(
        {
          pattern: pattern({ type: 'relativeMonthly', daysOfWeek: ['friday'], index: 'last' }),
          range: range({ type: 'numbered', numberOfOccurrences: 3 }),
        },
        '2027-01-01',
      ),
    ).toEqual(['2026-01-30', '2026-02-27', '2026-03-27']);
    expect(
      days(
        {
          pattern: pattern({ type: 'relativeMonthly', daysOfWeek: ['tuesday'], index: 'second' }),
          range: range({ type: 'numbered', numberOfOccurrences: 2 }),
        },
        '2027-01-01',
      ),
    ).toEqual(['2026-01-13', '2026-02-10']);
  });

  it('absoluteYearly and relativeYearly', () => {
    expect(
      days(
        {
          pattern: pattern({ type: 'absoluteYearly', month: 3, dayOfMonth: 14 }),
          range: range({ type: 'numbered', numberOfOccurrences: 2 }),
        },
        '2030-01-01',
      ),
    ).toEqual(['2026-03-14', '2027-03-14']);
    expect(
      days(
        {
          pattern: pattern({ type: 'relativeYearly', month: 11, daysOfWeek: ['thursday'], index: 'fourth' }),
          range: range({ type: 'numbered', numberOfOccurrences: 2 }),
        },
        '2030-01-01',
      ),
    ).toEqual(['2026-11-26', '2027-11-25']);
  });

  it('stops a no-end series at the caller limit', () => {
    expect(days({ pattern: pattern({}), range: range({}) }, '2026-01-03')).toEqual([
      '2026-01-01',
      '2026-01-02',
      '2026-01-03',
    ]);
  });
});
