/** A wall-clock time (no zone); months are 1-12. */
export interface Wall {
  readonly y: number;
  readonly mo: number;
  readonly d: number;
  readonly h: number;
  readonly mi: number;
  readonly s: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    formatters.set(zone, f);
  }
  return f;
}

/** Whether `zone` is an IANA time zone this runtime knows. */
export function isTimeZone(zone: string): boolean {
  try {
    formatter(zone);
    return true;
  } catch {
    return false;
  }
}

/** The zone's offset from the runtime's tz data: exact but slow (~50 µs), so only tables use it. */
function rawOffsetMs(instant: number, zone: string): number {
  const whole = Math.floor(instant / 1000) * 1000;
  const parts: Record<string, number> = {};
  for (const p of formatter(zone).formatToParts(new Date(whole))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return Date.UTC(parts['year'] ?? 0, (parts['month'] ?? 1) - 1, parts['day'] ?? 1, (parts['hour'] ?? 0) % 24, parts['minute'] ?? 0, parts['second'] ?? 0) - whole;
}

const WEEK = 7 * 86_400_000;
/** Per zone and UTC year: the instants the offset changes at (to the minute) and the offsets from them. */
const tables = new Map<string, { readonly starts: number[]; readonly offsets: number[] }>();

function yearTable(zone: string, year: number): { readonly starts: number[]; readonly offsets: number[] } {
  const key = `${zone}|${year}`;
  let table = tables.get(key);
  if (table) return table;
  const from = Date.UTC(year, 0, 1) - WEEK;
  const to = Date.UTC(year + 1, 0, 1) + WEEK;
  const starts = [from];
  const offsets = [rawOffsetMs(from, zone)];
  // Weekly samples, then a binary search inside the week where the offset changed: zones change
  // offset at most a few times a year, never twice in a week.
  for (let t = from + WEEK; t <= to; t += WEEK) {
    const prev = offsets[offsets.length - 1] ?? 0;
    const o = rawOffsetMs(t, zone);
    if (o === prev) continue;
    let lo = t - WEEK;
    let hi = t;
    while (hi - lo > 60_000) {
      const mid = lo + Math.floor((hi - lo) / 120_000) * 60_000;
      if (rawOffsetMs(mid, zone) === prev) lo = mid;
      else hi = mid;
    }
    starts.push(hi);
    offsets.push(o);
  }
  table = { starts, offsets };
  tables.set(key, table);
  return table;
}

/** The zone's UTC offset at `instant`, in ms. */
export function offsetMs(instant: number, zone: string): number {
  const { starts, offsets } = yearTable(zone, new Date(instant).getUTCFullYear());
  let i = starts.length - 1;
  while (i > 0 && (starts[i] ?? 0) > instant) i--;
  return offsets[i] ?? 0;
}

export function wallOf(instant: number, zone: string): Wall {
  const t = new Date(Math.floor(instant / 1000) * 1000 + offsetMs(instant, zone));
  return { y: t.getUTCFullYear(), mo: t.getUTCMonth() + 1, d: t.getUTCDate(), h: t.getUTCHours(), mi: t.getUTCMinutes(), s: t.getUTCSeconds() };
}

export const wallMs = (w: Wall): number => Date.UTC(w.y, w.mo - 1, w.d, w.h, w.mi, w.s);

/** Normalises overflowing fields (day 32, month 13) through the proleptic calendar. */
export function normaliseWall(w: Wall): Wall {
  const t = new Date(wallMs(w));
  return { y: t.getUTCFullYear(), mo: t.getUTCMonth() + 1, d: t.getUTCDate(), h: t.getUTCHours(), mi: t.getUTCMinutes(), s: t.getUTCSeconds() };
}

/** The instant a wall time names in `zone`; in a DST gap it lands after the gap, in an overlap on the first. */
export function instantOf(w: Wall, zone: string): number {
  const guess = wallMs(w);
  const before = guess - offsetMs(guess - 43_200_000, zone);
  const after = guess - offsetMs(guess + 43_200_000, zone);
  const valid = [before, after].filter((t) => wallMs(wallOf(t, zone)) === guess);
  // In a gap neither names the wall time: the pre-transition offset lands just after the gap.
  return valid.length > 0 ? Math.min(...valid) : before;
}

const pad = (n: number, w = 2): string => String(Math.abs(n)).padStart(w, '0');

/** RFC 3339 in `zone` with its offset (`Z` for UTC), as Google writes `dateTime`. */
export function formatInZone(instant: number, zone: string): string {
  const w = wallOf(instant, zone);
  const off = Math.round(offsetMs(instant, zone) / 60000);
  const suffix = zone === 'UTC' || zone === 'Etc/UTC' ? 'Z' : `${off < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(off) / 60))}:${pad(Math.abs(off) % 60)}`;
  return `${pad(w.y, 4)}-${pad(w.mo)}-${pad(w.d)}T${pad(w.h)}:${pad(w.mi)}:${pad(w.s)}${suffix}`;
}

export const formatDate = (w: Pick<Wall, 'y' | 'mo' | 'd'>): string => `${pad(w.y, 4)}-${pad(w.mo)}-${pad(w.d)}`;

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?([Zz]|[+-]\d{2}:\d{2})?$/;

/**
 * Parses an RFC 3339 date-time. Without an offset it is a wall time that needs `zone` (Google
 * accepts that only with a `timeZone`); returns undefined when malformed or the zone is missing.
 */
export function parseDateTime(value: string, zone?: string): number | undefined {
  const m = RFC3339.exec(value);
  if (!m) return undefined;
  const w: Wall = { y: Number(m[1]), mo: Number(m[2]), d: Number(m[3]), h: Number(m[4]), mi: Number(m[5]), s: Number(m[6] ?? '0') };
  if (w.mo < 1 || w.mo > 12 || w.d < 1 || w.d > 31 || w.h > 23 || w.mi > 59 || w.s > 60) return undefined;
  const off = m[7];
  if (!off) return zone ? instantOf(w, zone) : undefined;
  if (off === 'Z' || off === 'z') return wallMs(w);
  const sign = off.startsWith('-') ? -1 : 1;
  return wallMs(w) - sign * (Number(off.slice(1, 3)) * 60 + Number(off.slice(4, 6))) * 60000;
}

/** Parses `YYYY-MM-DD` into a wall at midnight. */
export function parseDate(value: string): Wall | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return undefined;
  const w = { y: Number(m[1]), mo: Number(m[2]), d: Number(m[3]), h: 0, mi: 0, s: 0 };
  const n = normaliseWall(w);
  return n.y === w.y && n.mo === w.mo && n.d === w.d ? w : undefined;
}
