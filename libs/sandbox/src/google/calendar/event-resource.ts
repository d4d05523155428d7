import type { calendar_v3 } from 'googleapis';
import type { StoredCalendar, StoredEvent } from './calendar.store';
import { expandRecurrence, parseRecurrence, type RecurrenceDate } from './recurrence';
import { formatDate, formatInZone, instantOf, parseDate, parseDateTime, wallOf, type Wall } from './zoned-time';

/** Instances past this many per recurring event are not produced (the real service has no documented cap). */
export const MAX_INSTANCES = 5000;

/** `"<updated microseconds>"`, the shape of Calendar's event etags. */
export const eventEtag = (ev: StoredEvent): string => `"${ev.updatedMs}000"`;

const iso = (ms: number): string => new Date(ms).toISOString();

/** The event as `events.get` returns it; deleted events shrink to what Google keeps of them. */
export function eventResource(calendar: StoredCalendar, ev: StoredEvent): calendar_v3.Schema$Event {
  const d = ev.data;
  if (d.status === 'cancelled') {
    return {
      kind: 'calendar#event',
      etag: eventEtag(ev),
      id: ev.id,
      status: 'cancelled',
      ...(d.recurringEventId ? { recurringEventId: d.recurringEventId, ...(d.originalStartTime ? { originalStartTime: d.originalStartTime } : {}) } : {}),
      updated: iso(ev.updatedMs),
    };
  }
  // Google writes date-times with the offset of the event's zone, else of the calendar's.
  const normal = (t: calendar_v3.Schema$EventDateTime | undefined): calendar_v3.Schema$EventDateTime | undefined => {
    if (!t?.dateTime) return t;
    const zone = t.timeZone ?? calendar.timeZone;
    const at = parseDateTime(t.dateTime, zone);
    return at === undefined ? t : { ...t, dateTime: formatInZone(at, zone) };
  };
  const times = {
    ...(d.start ? { start: normal(d.start) } : {}),
    ...(d.end ? { end: normal(d.end) } : {}),
    ...(d.originalStartTime ? { originalStartTime: normal(d.originalStartTime) } : {}),
  };
  return {
    kind: 'calendar#event',
    etag: eventEtag(ev),
    id: ev.id,
    status: 'confirmed',
    htmlLink: `https://www.google.com/calendar/event?eid=${Buffer.from(`${ev.id} ${calendar.id}`).toString('base64url')}`,
    created: iso(ev.createdMs),
    updated: iso(ev.updatedMs),
    ...d,
    ...times,
    creator: { ...(d.creator ?? { email: calendar.owner }), ...(d.creator?.email?.toLowerCase() === calendar.owner.toLowerCase() || !d.creator ? { self: true } : {}) },
    organizer: { ...(d.organizer ?? { email: calendar.owner }), ...(d.organizer?.email?.toLowerCase() === calendar.owner.toLowerCase() || !d.organizer ? { self: true } : {}) },
    reminders: d.reminders ?? { useDefault: true },
    eventType: d.eventType ?? 'default',
  };
}

/** An event time as an instant: timed in its own zone, all-day at midnight in the calendar's. */
export function timeInstant(t: calendar_v3.Schema$EventDateTime | undefined, calendarZone: string): number | undefined {
  if (!t) return undefined;
  if (t.date) {
    const w = parseDate(t.date);
    return w ? instantOf(w, calendarZone) : undefined;
  }
  return t.dateTime ? parseDateTime(t.dateTime, t.timeZone ?? calendarZone) : undefined;
}

export interface Span {
  readonly start: number;
  readonly end: number;
}

export function eventSpan(calendar: StoredCalendar, d: calendar_v3.Schema$Event): Span | undefined {
  const start = timeInstant(d.start, calendar.timeZone);
  const end = timeInstant(d.end, calendar.timeZone);
  return start === undefined || end === undefined ? undefined : { start, end };
}

const compact = (s: string): string => s.replace(/[-:]/g, '').replace(/\.\d+/, '');

/** Google's instance id: `<master id>_<original start in UTC, or the date for all-day>`. */
export function instanceSuffix(original: calendar_v3.Schema$EventDateTime, calendarZone: string): string {
  if (original.date) return original.date.replace(/-/g, '');
  return compact(new Date(timeInstant(original, calendarZone) ?? 0).toISOString());
}

/** A key that identifies an instance by its original start, comparable across zones. */
export function originalKey(original: calendar_v3.Schema$EventDateTime | undefined | null, calendarZone: string): string | undefined {
  if (!original) return undefined;
  if (original.date) return `d${original.date}`;
  const t = timeInstant(original, calendarZone);
  return t === undefined ? undefined : `t${t}`;
}

/**
 * The instances of a recurring master whose original start is before `until`, as event data
 * (without exceptions applied): each keeps the master's fields, its own start/end, id and
 * `originalStartTime`, and drops `recurrence`.
 */
export function synthesiseInstances(calendar: StoredCalendar, master: StoredEvent, until: number, limit = MAX_INSTANCES): { id: string; key: string; data: calendar_v3.Schema$Event }[] {
  const d = master.data;
  const span = eventSpan(calendar, d);
  if (!span || !d.start || !d.recurrence) return [];
  const allDay = Boolean(d.start.date);
  const zone = allDay ? calendar.timeZone : (d.start.timeZone ?? calendar.timeZone);
  const startWall: Wall = allDay ? (parseDate(d.start.date ?? '') ?? wallOf(span.start, zone)) : wallOf(span.start, zone);
  const toInstant = (w: Wall): number => instantOf(w, zone);
  const zoneInstant = (r: RecurrenceDate): number => instantOf(r.wall, r.zone ?? zone);
  const walls = expandRecurrence(parseRecurrence(d.recurrence), startWall, toInstant, zoneInstant, until, limit);
  const duration = span.end - span.start;
  const { recurrence: _r, ...rest } = d;
  return walls.map((w) => {
    let start: calendar_v3.Schema$EventDateTime;
    let end: calendar_v3.Schema$EventDateTime;
    if (allDay) {
      start = { date: formatDate(w) };
      const days = Math.round(duration / 86_400_000);
      end = { date: formatDate(wallOf(Date.UTC(w.y, w.mo - 1, w.d + days), 'UTC')) };
    } else {
      const t = toInstant(w);
      start = { dateTime: formatInZone(t, zone), timeZone: zone };
      end = { dateTime: formatInZone(t + duration, zone), timeZone: d.end?.timeZone ?? zone };
    }
    return { id: `${master.id}_${instanceSuffix(start, zone)}`, key: originalKey(start, zone) ?? '', data: { ...rest, start, end, recurringEventId: master.id, originalStartTime: start } };
  });
}
