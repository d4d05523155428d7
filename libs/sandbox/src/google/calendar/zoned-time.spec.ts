import { formatInZone, instantOf, parseDate, parseDateTime, wallOf } from './zoned-time';

describe('zoned time', () => {
  it('converts wall times to instants across a DST change', () => {
    expect(new Date(instantOf({ y: 2026, mo: 3, d: 7, h: 9, mi: 0, s: 0 }, 'America/New_York')).toISOString()).toBe('2026-03-07T14:00:00.000Z');
    expect(new Date(instantOf({ y: 2026, mo: 3, d: 9, h: 9, mi: 0, s: 0 }, 'America/New_York')).toISOString()).toBe('2026-03-09T13:00:00.000Z');
    // 02:30 does not exist on 2026-03-08 in New York: it lands after the gap.
    expect(new Date(instantOf({ y: 2026, mo: 3, d: 8, h: 2, mi: 30, s: 0 }, 'America/New_York')).toISOString()).toBe('2026-03-08T07:30:00.000Z');
    expect(wallOf(Date.UTC(2026, 6, 1, 0, 0, 0), 'Asia/Tokyo')).toMatchObject({ d: 1, h: 9 });
  });

  it('formats with the zone offset and parses RFC 3339 with or without one', () => {
    const t = Date.UTC(2026, 0, 15, 8, 30, 0);
    expect(formatInZone(t, 'Europe/Paris')).toBe('2026-01-15T09:30:00+01:00');
    expect(formatInZone(t, 'UTC')).toBe('2026-01-15T08:30:00Z');
    expect(parseDateTime('2026-01-15T09:30:00+01:00')).toBe(t);
    expect(parseDateTime('2026-01-15T09:30:00')).toBeUndefined();
    expect(parseDateTime('2026-01-15T09:30:00', 'Europe/Paris')).toBe(t);
    expect(parseDateTime('yesterday')).toBeUndefined();
    expect(parseDate('2026-02-30')).toBeUndefined();
  });
});
