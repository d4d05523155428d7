/** Graph's recurrence pattern and range (learn.microsoft.com/graph/api/resources/patternedrecurrence), normalised. */
export const DAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;
export type DayOfWeek = (typeof DAYS)[number];
export const PATTERN_TYPES = [
  'daily',
  'weekly',
  'absoluteMonthly',
  'relativeMonthly',
  'absoluteYearly',
  'relativeYearly',
] as const;
export const WEEK_INDEXES = ['first', 'second', 'third', 'fourth', 'last'] as const;
export const RANGE_TYPES = ['endDate', 'noEnd', 'numbered'] as const;

export interface RecurrencePattern {
  readonly type: (typeof PATTERN_TYPES)[number];
  readonly interval: number;
  readonly month: number;
  readonly dayOfMonth: number;
  readonly daysOfWeek: readonly DayOfWeek[];
  readonly firstDayOfWeek: DayOfWeek;
  readonly index: (typeof WEEK_INDEXES)[number];
}

export interface RecurrenceRange {
  readonly type: (typeof RANGE_TYPES)[number];
  /** `YYYY-MM-DD` in the series' time zone. */
  readonly startDate: string;
  /** `YYYY-MM-DD`; `0001-01-01` unless `type` is `endDate` (as Graph returns it). */
  readonly endDate: string;
  readonly recurrenceTimeZone: string;
  readonly numberOfOccurrences: number;
}

export interface Recurrence {
  readonly pattern: RecurrencePattern;
  readonly range: RecurrenceRange;
}

const DAY_MS = 86_400_000;

/** Days since 1970-01-01 of a `YYYY-MM-DD` date, or undefined when it is not a real date. */
export function dayNumber(date: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return undefined;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  const d = new Date(ms);
  if (d.getUTCMonth() !== Number(m[2]) - 1 || d.getUTCDate() !== Number(m[3])) return undefined;
  return Math.round(ms / DAY_MS);
}

export function dateOfDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

const weekday = (day: number): number => (((day + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday
const daysInMonth = (y: number, m0: number): number => new Date(Date.UTC(y, m0 + 1, 0)).getUTCDate();
const dayOf = (y: number, m0: number, d: number): number => Math.round(Date.UTC(y, m0, d) / DAY_MS);

/** The index-th (or last) day in a month that falls on one of `days`. */
function relativeDay(
  y: number,
  m0: number,
  days: readonly DayOfWeek[],
  index: RecurrencePattern['index'],
): number | undefined {
  const wanted = new Set(days.map((d) => DAYS.indexOf(d)));
  const matches: number[] = [];
  for (let d = 1; d <= daysInMonth(y, m0); d++)
    if (wanted.has(weekday(dayOf(y, m0, d)))) matches.push(dayOf(y, m0, d));
  if (index === 'last') return matches[matches.length - 1];
  return matches[WEEK_INDEXES.indexOf(index)];
}

/** Safety valve: a pattern that never yields (e.g. February 30th yearly) stops after this many periods. */
const MAX_PERIODS = 50_000;

/**
 * The local dates (as day numbers) of a series' occurrences, in order, up to `untilDay` inclusive.
 * Numbered ranges count from the first occurrence whether or not it is in the caller's window, and
 * cancelled occurrences still count (as Outlook counts them). Day-of-month past a short month's end
 * falls on its last day (Outlook's behaviour for "day 31 of every month").
 */
export function* occurrenceDays(r: Recurrence, untilDay: number): Generator<number> {
  const start = dayNumber(r.range.startDate);
  if (start === undefined) return;
  const end = r.range.type === 'endDate' ? (dayNumber(r.range.endDate) ?? start) : Number.POSITIVE_INFINITY;
  const limit = Math.min(end, untilDay);
  const count = r.range.type === 'numbered' ? r.range.numberOfOccurrences : Number.POSITIVE_INFINITY;
  const p = r.pattern;
  const interval = Math.max(1, p.interval);
  let produced = 0;
  const emit = function* (day: number | undefined): Generator<number, boolean> {
    if (day === undefined || day < start) return true;
    if (day > limit || produced >= count) return false;
    produced++;
    yield day;
    return true;
  };
  const s = new Date(start * DAY_MS);
  const y0 = s.getUTCFullYear();
  const m0 = s.getUTCMonth();
  for (let period = 0; period < MAX_PERIODS; period++) {
    switch (p.type) {
      case 'daily':
        if (!(yield* emit(start + period * interval))) return;
        break;
      case 'weekly': {
        const fdow = DAYS.indexOf(p.firstDayOfWeek);
        const weekStart = start - ((weekday(start) - fdow + 7) % 7) + period * 7 * interval;
        for (let i = 0; i < 7; i++) {
          const day = weekStart + i;
          if (!p.daysOfWeek.includes(DAYS[weekday(day)] ?? 'sunday')) continue;
          if (!(yield* emit(day))) return;
        }
        if (weekStart > limit) return;
        break;
      }
      case 'absoluteMonthly':
      case 'relativeMonthly': {
        const months = m0 + period * interval;
        const y = y0 + Math.floor(months / 12);
        const m = months % 12;
        if (dayOf(y, m, 1) > limit) return;
        const day =
          p.type === 'absoluteMonthly'
            ? dayOf(y, m, Math.min(p.dayOfMonth, daysInMonth(y, m)))
            : relativeDay(y, m, p.daysOfWeek, p.index);
        if (!(yield* emit(day))) return;
        break;
      }
      case 'absoluteYearly':
      case 'relativeYearly': {
        const y = y0 + period * interval;
        const m = Math.min(Math.max(p.month, 1), 12) - 1;
        if (dayOf(y, 0, 1) > limit) return;
        const day =
          p.type === 'absoluteYearly'
            ? dayOf(y, m, Math.min(p.dayOfMonth, daysInMonth(y, m)))
            : relativeDay(y, m, p.daysOfWeek, p.index);
        if (!(yield* emit(day))) return;
        break;
      }
    }
  }
}

/** Graph's JSON for a recurrence (every field present, as Graph returns them). */
export function recurrenceJson(r: Recurrence): Record<string, unknown> {
  return {
    pattern: {
      type: r.pattern.type,
      interval: r.pattern.interval,
      month: r.pattern.month,
      dayOfMonth: r.pattern.dayOfMonth,
      daysOfWeek: [...r.pattern.daysOfWeek],
      firstDayOfWeek: r.pattern.firstDayOfWeek,
      index: r.pattern.index,
    },
    range: {
      type: r.range.type,
      startDate: r.range.startDate,
      endDate: r.range.endDate,
      recurrenceTimeZone: r.range.recurrenceTimeZone,
      numberOfOccurrences: r.range.numberOfOccurrences,
    },
  };
}
