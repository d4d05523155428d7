/**
 * Outlook's time zones: Graph accepts Windows names (`Pacific Standard Time`) and IANA names
 * (`America/Los_Angeles`) in `dateTimeTimeZone.timeZone` and `Prefer: outlook.timezone`.
 * Windows names map to IANA per CLDR's windowsZones (the "001" territory); conversions use the
 * runtime's ICU tz data, so DST rules are the real ones.
 */
const WINDOWS_TO_IANA: Readonly<Record<string, string>> = {
  'Dateline Standard Time': 'Etc/GMT+12',
  'Hawaiian Standard Time': 'Pacific/Honolulu',
  'Alaskan Standard Time': 'America/Anchorage',
  'Pacific Standard Time': 'America/Los_Angeles',
  'Mountain Standard Time': 'America/Denver',
  'US Mountain Standard Time': 'America/Phoenix',
  'Central Standard Time': 'America/Chicago',
  'Eastern Standard Time': 'America/New_York',
  'Atlantic Standard Time': 'America/Halifax',
  'Newfoundland Standard Time': 'America/St_Johns',
  'E. South America Standard Time': 'America/Sao_Paulo',
  'Argentina Standard Time': 'America/Buenos_Aires',
  UTC: 'Etc/UTC',
  'Coordinated Universal Time': 'Etc/UTC',
  'GMT Standard Time': 'Europe/London',
  'Greenwich Standard Time': 'Atlantic/Reykjavik',
  'W. Europe Standard Time': 'Europe/Berlin',
  'Romance Standard Time': 'Europe/Paris',
  'Central Europe Standard Time': 'Europe/Budapest',
  'Central European Standard Time': 'Europe/Warsaw',
  'GTB Standard Time': 'Europe/Bucharest',
  'FLE Standard Time': 'Europe/Kiev',
  'E. Europe Standard Time': 'Europe/Chisinau',
  'South Africa Standard Time': 'Africa/Johannesburg',
  'Russian Standard Time': 'Europe/Moscow',
  'Arabian Standard Time': 'Asia/Dubai',
  'India Standard Time': 'Asia/Calcutta',
  'Nepal Standard Time': 'Asia/Katmandu',
  'SE Asia Standard Time': 'Asia/Bangkok',
  'China Standard Time': 'Asia/Shanghai',
  'Singapore Standard Time': 'Asia/Singapore',
  'Tokyo Standard Time': 'Asia/Tokyo',
  'Korea Standard Time': 'Asia/Seoul',
  'AUS Eastern Standard Time': 'Australia/Sydney',
  'Cen. Australia Standard Time': 'Australia/Adelaide',
  'New Zealand Standard Time': 'Pacific/Auckland',
};

const lowerWindows = new Map(Object.entries(WINDOWS_TO_IANA).map(([k, v]) => [k.toLowerCase(), v]));
const formatters = new Map<string, Intl.DateTimeFormat>();

/** The IANA zone for a Windows or IANA name, or undefined when Outlook would refuse it. */
export function ianaZone(name: string): string | undefined {
  const w = lowerWindows.get(name.trim().toLowerCase());
  if (w) return w;
  if (!name.includes('/') && name.toUpperCase() !== 'UTC' && name.toUpperCase() !== 'GMT') return undefined;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(zone, f);
  }
  return f;
}

const offsets = new Map<string, number>();
const QUARTER_HOUR = 900_000;

/** The zone's UTC offset at an instant, from ICU, computed once per zone and quarter hour. */
function offsetAt(utcMs: number, zone: string): number {
  // Every tz transition falls on a quarter hour, so the offset is constant within one.
  const bucket = Math.floor(utcMs / QUARTER_HOUR);
  const key = `${zone}|${bucket}`;
  const hit = offsets.get(key);
  if (hit !== undefined) return hit;
  const at = bucket * QUARTER_HOUR;
  const parts: Record<string, number> = {};
  for (const p of formatter(zone).formatToParts(new Date(at)))
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  const offset =
    Date.UTC(
      parts['year'] ?? 1970,
      (parts['month'] ?? 1) - 1,
      parts['day'] ?? 1,
      parts['hour'] ?? 0,
      parts['minute'] ?? 0,
      parts['second'] ?? 0,
    ) - at;
  // Bounded: a long-running sandbox must not grow this without limit.
  if (offsets.size > 200_000) offsets.clear();
  offsets.set(key, offset);
  return offset;
}

/** Wall-clock fields of an instant in a zone, as a UTC-epoch of those fields ("local ms"). */
export function utcToLocalMs(utcMs: number, zone: string): number {
  return utcMs + offsetAt(utcMs, zone);
}

/**
 * The instant a wall-clock time names in a zone. In a spring-forward gap the time moves forward
 * by the gap (as Outlook does); in a fall-back overlap the earlier instant wins.
 */
export function localMsToUtc(localMs: number, zone: string): number {
  const offsetAt = (utc: number): number => utcToLocalMs(utc, zone) - utc;
  // Zones change offset at most once a day, so the offsets a day either side are the candidates.
  const before = offsetAt(localMs - 86_400_000);
  const after = offsetAt(localMs + 86_400_000);
  const valid = [before, after].map((o) => localMs - o).filter((utc) => utcToLocalMs(utc, zone) === localMs);
  if (valid.length > 0) return Math.min(...valid);
  return localMs - before;
}

const LOCAL_RE = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?)?$/;

/** Parses Graph's `dateTime` (no offset, up to 7 fractional digits) to local ms, or undefined. */
export function parseLocalDateTime(s: string): number | undefined {
  const m = LOCAL_RE.exec(s.trim());
  if (!m) return undefined;
  const [, y, mo, d, h = '0', mi = '0', sec = '0', frac = ''] = m;
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > 31 || Number(h) > 23 || Number(mi) > 59 || Number(sec) > 59)
    return undefined;
  const ms = Date.UTC(
    Number(y),
    month - 1,
    day,
    Number(h),
    Number(mi),
    Number(sec),
    Math.floor(Number(`0.${frac || '0'}`) * 1000),
  );
  if (new Date(ms).getUTCDate() !== day) return undefined;
  return ms;
}

/** Local ms as Graph writes `dateTime`: seven fractional digits, no offset. */
export function formatLocalDateTime(localMs: number): string {
  return `${new Date(localMs).toISOString().slice(0, 19)}.${String(((localMs % 1000) + 1000) % 1000).padStart(3, '0')}0000`;
}

/** An instant as `{ dateTime, timeZone }` in the named zone (the name is echoed as given). */
export function toDateTimeTimeZone(utcMs: number, zoneName: string): { dateTime: string; timeZone: string } {
  const zone = ianaZone(zoneName) ?? 'Etc/UTC';
  return { dateTime: formatLocalDateTime(utcToLocalMs(utcMs, zone)), timeZone: zoneName };
}

/**
 * The zone a `Prefer: outlook.timezone="..."` header asks for (UTC when absent, as Graph defaults),
 * and whether it was understood (for `Preference-Applied`).
 */
export function preferredZone(prefer: string | string[] | undefined): { name: string; applied: boolean } {
  const header = Array.isArray(prefer) ? prefer.join(',') : (prefer ?? '');
  const m =
    /outlook\.timezone\s*=\s*"([^"]+)"/i.exec(header) ?? /outlook\.timezone\s*=\s*([^,;\s]+)/i.exec(header);
  if (!m?.[1]) return { name: 'UTC', applied: false };
  return ianaZone(m[1]) ? { name: m[1], applied: true } : { name: 'UTC', applied: false };
}

/** ISO 8601 with or without offset (calendarView's startDateTime): no offset means UTC. */
export function parseIsoInstant(s: string): number | undefined {
  const t = s.trim();
  if (/[zZ]$|[+-]\d{2}:?\d{2}$/.test(t)) {
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(t)) return undefined;
    const ms = Date.parse(t);
    return Number.isNaN(ms) ? undefined : ms;
  }
  return parseLocalDateTime(t);
}
