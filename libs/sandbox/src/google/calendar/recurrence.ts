import { normaliseWall, wallMs, type Wall } from './zoned-time';

const WEEKDAYS = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'];

export class RecurrenceError extends Error {}

interface Rule {
  readonly freq: 'DAILY' | 'WEEKLY' | 'MONTHLY' | 'YEARLY';
  readonly interval: number;
  readonly count?: number;
  readonly until?: string;
  readonly byDay?: readonly { readonly n?: number; readonly wd: number }[];
  readonly byMonthDay?: readonly number[];
}

/** An RFC 5545 date or date-time value, with the zone it was written in (`Z` values are UTC). */
export interface RecurrenceDate {
  readonly wall: Wall;
  readonly dateOnly: boolean;
  readonly zone: string | undefined;
}

export interface ParsedRecurrence {
  readonly rule?: Rule;
  readonly exdates: readonly RecurrenceDate[];
  readonly rdates: readonly RecurrenceDate[];
}

function parseValue(raw: string, tzid: string | undefined): RecurrenceDate {
  const m = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z?))?$/.exec(raw.trim());
  if (!m) throw new RecurrenceError(`bad date ${raw.slice(0, 40)}`);
  const wall: Wall = { y: Number(m[1]), mo: Number(m[2]), d: Number(m[3]), h: Number(m[4] ?? 0), mi: Number(m[5] ?? 0), s: Number(m[6] ?? 0) };
  return { wall, dateOnly: m[4] === undefined, zone: m[7] === 'Z' ? 'UTC' : tzid };
}

function parseRule(body: string): Rule {
  const parts = new Map(body.split(';').map((p) => p.split('=') as [string, string]));
  const freq = parts.get('FREQ');
  if (freq !== 'DAILY' && freq !== 'WEEKLY' && freq !== 'MONTHLY' && freq !== 'YEARLY') throw new RecurrenceError(`unsupported FREQ ${String(freq).slice(0, 20)}`);
  const interval = Number(parts.get('INTERVAL') ?? '1');
  if (!Number.isInteger(interval) || interval < 1 || interval > 1000) throw new RecurrenceError('bad INTERVAL');
  const countRaw = parts.get('COUNT');
  const count = countRaw === undefined ? undefined : Number(countRaw);
  if (count !== undefined && (!Number.isInteger(count) || count < 1)) throw new RecurrenceError('bad COUNT');
  const until = parts.get('UNTIL');
  if (until !== undefined && count !== undefined) throw new RecurrenceError('COUNT and UNTIL together');
  const byDay = parts
    .get('BYDAY')
    ?.split(',')
    .map((d) => {
      const dm = /^([+-]?\d{1,2})?(SU|MO|TU|WE|TH|FR|SA)$/.exec(d);
      if (!dm) throw new RecurrenceError(`bad BYDAY ${d.slice(0, 10)}`);
      return { ...(dm[1] ? { n: Number(dm[1]) } : {}), wd: WEEKDAYS.indexOf(dm[2] ?? '') };
    });
  const byMonthDay = parts
    .get('BYMONTHDAY')
    ?.split(',')
    .map((d) => {
      const n = Number(d);
      if (!Number.isInteger(n) || n === 0 || Math.abs(n) > 31) throw new RecurrenceError('bad BYMONTHDAY');
      return n;
    });
  for (const key of parts.keys()) if (!['FREQ', 'INTERVAL', 'COUNT', 'UNTIL', 'BYDAY', 'BYMONTHDAY', 'WKST'].includes(key)) throw new RecurrenceError(`unsupported ${key.slice(0, 20)}`);
  return { freq, interval, ...(count !== undefined ? { count } : {}), ...(until !== undefined ? { until } : {}), ...(byDay ? { byDay } : {}), ...(byMonthDay ? { byMonthDay } : {}) };
}

/**
 * Parses an event's `recurrence` lines (RRULE, EXDATE, RDATE). Simplified: one RRULE; FREQ up to
 * YEARLY with INTERVAL, COUNT, UNTIL, BYDAY and BYMONTHDAY (no BYSETPOS, BYHOUR, EXRULE).
 */
export function parseRecurrence(lines: readonly string[]): ParsedRecurrence {
  let rule: Rule | undefined;
  const exdates: RecurrenceDate[] = [];
  const rdates: RecurrenceDate[] = [];
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon < 0) throw new RecurrenceError('no value');
    const [name = '', ...params] = line.slice(0, colon).toUpperCase().split(';');
    const value = line.slice(colon + 1);
    const tzid = params.find((p) => p.startsWith('TZID='))?.slice(5);
    if (name === 'RRULE') {
      if (rule) throw new RecurrenceError('more than one RRULE');
      rule = parseRule(value.toUpperCase());
    } else if (name === 'EXDATE' || name === 'RDATE') {
      const tz = tzid ? line.slice(0, colon).split(';').find((p) => p.toUpperCase().startsWith('TZID='))?.slice(5) : undefined;
      for (const v of value.split(',')) (name === 'EXDATE' ? exdates : rdates).push(parseValue(v, tz));
    } else throw new RecurrenceError(`unsupported ${name.slice(0, 20)}`);
  }
  return { ...(rule ? { rule } : {}), exdates, rdates };
}

const DAY = 86_400_000;
const addDays = (w: Wall, n: number): Wall => normaliseWall({ ...w, d: w.d + n });
const weekday = (w: Wall): number => new Date(Date.UTC(w.y, w.mo - 1, w.d)).getUTCDay();
const daysInMonth = (y: number, mo: number): number => new Date(Date.UTC(y, mo, 0)).getUTCDate();

/** Candidate days of one period, in order, before COUNT/UNTIL and the DTSTART floor apply. */
function periodCandidates(rule: Rule, start: Wall, k: number): Wall[] {
  const at = (y: number, mo: number, d: number): Wall => ({ y, mo, d, h: start.h, mi: start.mi, s: start.s });
  switch (rule.freq) {
    case 'DAILY': {
      const day = addDays(start, k * rule.interval);
      return !rule.byDay || rule.byDay.some((b) => b.wd === weekday(day)) ? [day] : [];
    }
    case 'WEEKLY': {
      const monday = addDays(start, -((weekday(start) + 6) % 7) + 7 * k * rule.interval);
      const days = (rule.byDay ?? [{ wd: weekday(start) }]).map((b) => (b.wd + 6) % 7).sort((a, b) => a - b);
      return [...new Set(days)].map((offset) => addDays(monday, offset));
    }
    case 'MONTHLY': {
      const first = normaliseWall(at(start.y, start.mo + k * rule.interval, 1));
      const dim = daysInMonth(first.y, first.mo);
      let days: number[];
      if (rule.byMonthDay) days = rule.byMonthDay.map((n) => (n > 0 ? n : dim + 1 + n));
      else if (rule.byDay) {
        days = rule.byDay.flatMap((b) => {
          const firstWd = 1 + ((b.wd - weekday(first) + 7) % 7);
          const all: number[] = [];
          for (let d = firstWd; d <= dim; d += 7) all.push(d);
          if (b.n === undefined) return all;
          const pick = b.n > 0 ? all[b.n - 1] : all[all.length + b.n];
          return pick === undefined ? [] : [pick];
        });
      } else days = [start.d];
      return [...new Set(days.filter((d) => d >= 1 && d <= dim))].sort((a, b) => a - b).map((d) => at(first.y, first.mo, d));
    }
    case 'YEARLY': {
      const y = start.y + k * rule.interval;
      return start.d <= daysInMonth(y, start.mo) ? [at(y, start.mo, start.d)] : [];
    }
  }
}

/**
 * The original start times of a recurring event's instances from `start` (its DTSTART) until
 * `endInstant` (exclusive) or `limit` instances, EXDATEs removed and RDATEs added. `toInstant`
 * maps a wall time of the event's zone to an instant; values written in another zone use `zoneInstant`.
 */
export function expandRecurrence(
  parsed: ParsedRecurrence,
  start: Wall,
  toInstant: (w: Wall) => number,
  zoneInstant: (d: RecurrenceDate) => number,
  endInstant: number,
  limit: number,
): Wall[] {
  const out: Wall[] = [];
  const excluded = new Set(parsed.exdates.map((d) => (d.dateOnly ? `d${wallMs(d.wall)}` : `t${zoneInstant(d)}`)));
  const isExcluded = (w: Wall): boolean => excluded.has(`d${wallMs({ ...w, h: 0, mi: 0, s: 0 })}`) || excluded.has(`t${toInstant(w)}`);
  const rule = parsed.rule;
  if (!rule) {
    if (!isExcluded(start) && toInstant(start) < endInstant) out.push(start);
  } else {
    const untilDate = rule.until ? parseValue(rule.until, undefined) : undefined;
    const until = untilDate ? (untilDate.dateOnly ? toInstant(untilDate.wall) + DAY - 1 : zoneInstant(untilDate)) : Infinity;
    let produced = 0;
    // A generous period cap keeps a rule that never matches (BYMONTHDAY=31 every 12 months in Feb) finite.
    for (let k = 0; k < 100_000 && out.length < limit; k++) {
      let done = false;
      for (const cand of periodCandidates(rule, start, k)) {
        if (wallMs(cand) < wallMs(start)) continue;
        const t = toInstant(cand);
        if (t > until || t >= endInstant || (rule.count !== undefined && produced >= rule.count)) {
          done = true;
          break;
        }
        produced++;
        if (!isExcluded(cand)) out.push(cand);
      }
      if (done) break;
    }
  }
  for (const r of parsed.rdates) {
    const w = r.dateOnly ? { ...r.wall, h: start.h, mi: start.mi, s: start.s } : r.wall;
    if (toInstant(w) < endInstant && !out.some((o) => wallMs(o) === wallMs(w))) out.push(w);
  }
  return out.sort((a, b) => wallMs(a) - wallMs(b)).slice(0, limit);
}
