import {
  formatLocalDateTime,
  ianaZone,
  localMsToUtc,
  parseIsoInstant,
  parseLocalDateTime,
  preferredZone,
  toDateTimeTimeZone,
  utcToLocalMs,
} from './time-zones';

const local = (s: string): number => parseLocalDateTime(s) ?? Number.NaN;

describe('Outlook time zones', () => {
  it('maps Windows names and accepts IANA names, refusing unknown ones', () => {
    expect(ianaZone('W. Europe Standard Time')).toBe('Europe/Berlin');
    expect(ianaZone('pacific standard time')).toBe('America/Los_Angeles');
    expect(ianaZone('Asia/Tokyo')).toBe('Asia/Tokyo');
    expect(ianaZone('UTC')).toBeDefined();
    expect(ianaZone('Mars Standard Time')).toBeUndefined();
    expect(ianaZone('Nowhere/City')).toBeUndefined();
  });

  it('converts wall-clock times with the zone offset in force (DST included)', () => {
    // Berlin: +01:00 in January, +02:00 in July.
    expect(new Date(localMsToUtc(local('2026-01-15T09:00:00'), 'Europe/Berlin')).toISOString()).toBe(
      '2026-01-15T08:00:00.000Z',
    );
    expect(new Date(localMsToUtc(local('2026-07-15T09:00:00'), 'Europe/Berlin')).toISOString()).toBe(
      '2026-07-15T07:00:00.000Z',
    );
    expect(new Date(localMsToUtc(local('2026-12-01T09:00:00'), 'Asia/Tokyo')).toISOString()).toBe(
      '2026-12-01T00:00:00.000Z',
    );
    expect(utcToLocalMs(Date.parse('2026-07-15T16:00:00Z'), 'America/Los_Angeles')).toBe(
      local('2026-07-15T09:00:00'),
    );
  });

  it('moves a time in the spring-forward gap forward and takes the earlier instant in the fall-back overlap', () => {
    // US DST 2026 starts 8 March 02:00 -> 03:00 and ends 1 November 02:00 -> 01:00.
    expect(new Date(localMsToUtc(local('2026-03-08T02:30:00'), 'America/Los_Angeles')).toISOString()).toBe(
      '2026-03-08T10:30:00.000Z',
    );
    expect(new Date(localMsToUtc(local('2026-11-01T01:30:00'), 'America/Los_Angeles')).toISOString()).toBe(
      '2026-11-01T08:30:00.000Z',
    );
  });

  it("writes dateTime with seven fractional digits, as Graph does, and parses Graph's forms", () => {
    expect(formatLocalDateTime(local('2026-05-01T10:20:30.5'))).toBe('2026-05-01T10:20:30.5000000');
    expect(parseLocalDateTime('2026-02-30T10:00:00')).toBeUndefined();
    expect(parseLocalDateTime('yesterday')).toBeUndefined();
    expect(toDateTimeTimeZone(Date.parse('2026-05-01T08:00:00Z'), 'Tokyo Standard Time')).toEqual({
      dateTime: '2026-05-01T17:00:00.0000000',
      timeZone: 'Tokyo Standard Time',
    });
    expect(parseIsoInstant('2026-05-01T10:00:00+02:00')).toBe(Date.parse('2026-05-01T08:00:00Z'));
    expect(parseIsoInstant('2026-05-01T10:00:00')).toBe(Date.parse('2026-05-01T10:00:00Z'));
    expect(parseIsoInstant('not-a-date')).toBeUndefined();
  });

  it('reads Prefer: outlook.timezone, falling back to UTC for an unknown zone', () => {
    expect(preferredZone('outlook.timezone="Pacific Standard Time"')).toEqual({
      name: 'Pacific Standard Time',
      applied: true,
    });
    expect(preferredZone('outlook.body-content-type="text", outlook.timezone="Asia/Tokyo"')).toEqual({
      name: 'Asia/Tokyo',
      applied: true,
    });
    expect(preferredZone('outlook.timezone="Atlantis"')).toEqual({ name: 'UTC', applied: false });
    expect(preferredZone(undefined)).toEqual({ name: 'UTC', applied: false });
  });
});
