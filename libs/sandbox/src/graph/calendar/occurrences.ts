import { type EventFields, type StoredEvent, utcOf } from './calendar.store';
import { dateOfDay, occurrenceDays } from './recurrence';
import { ianaZone, localMsToUtc, utcToLocalMs } from './time-zones';

const DAY_MS = 86_400_000;

/** One thing on the calendar at a time: a single event, or one occurrence (maybe modified) of a series. */
export interface Instance {
  readonly id: string;
  readonly event: StoredEvent;
  readonly fields: EventFields;
  readonly type: 'singleInstance' | 'occurrence' | 'exception';
  /** The occurrence's original local date in the series zone. */
  readonly occurrenceDate?: string;
  /** The occurrence's start before any modification (Graph's `originalStart`). */
  readonly originalStartUtc?: number;
  readonly startUtc: number;
  readonly endUtc: number;
  readonly modifiedMs: number;
  readonly changeKey: string;
}

/** Occurrence ids name the series and the original local date, so GET/PATCH/DELETE can find them. */
export function occurrenceId(masterId: string, date: string): string {
  return `${masterId}_OCC${date.replace(/-/g, '')}`;
}

export function parseOccurrenceId(id: string): { masterId: string; date: string } | undefined {
  const m = /^(.+)_OCC(\d{4})(\d{2})(\d{2})$/.exec(id);
  if (!m?.[1]) return undefined;
  return { masterId: m[1], date: `${m[2]}-${m[3]}-${m[4]}` };
}

const overlaps = (start: number, end: number, from: number, to: number): boolean =>
  start === end ? start >= from && start < to : start < to && end > from;

/** Where one occurrence of a series falls, before any modification. */
function seriesSlot(event: StoredEvent, day: number): { startUtc: number; endUtc: number } {
  const zone = ianaZone(event.start.zone) ?? 'Etc/UTC';
  const timeOfDay = ((event.start.localMs % DAY_MS) + DAY_MS) % DAY_MS;
  const localStart = day * DAY_MS + timeOfDay;
  const startUtc = localMsToUtc(localStart, zone);
  // All-day occurrences keep their length in local days; timed ones keep their absolute duration.
  const endUtc = event.isAllDay
    ? localMsToUtc(localStart + (event.end.localMs - event.start.localMs), zone)
    : startUtc + (utcOf(event.end) - utcOf(event.start));
  return { startUtc, endUtc };
}

/** The occurrence of a series on a given original date, if the pattern has one there and it is not cancelled. */
export function occurrenceOn(event: StoredEvent, date: string): Instance | undefined {
  if (!event.recurrence || event.cancelled.has(date)) return undefined;
  const target = Math.round(Date.parse(`${date}T00:00:00Z`) / DAY_MS);
  for (const day of occurrenceDays(event.recurrence, target))
    if (day === target) return instanceFor(event, day);
  return undefined;
}

function instanceFor(event: StoredEvent, day: number): Instance {
  const date = dateOfDay(day);
  const slot = seriesSlot(event, day);
  const ex = event.exceptions.get(date);
  const base = {
    id: occurrenceId(event.id, date),
    event,
    occurrenceDate: date,
    originalStartUtc: slot.startUtc,
  };
  if (ex)
    return {
      ...base,
      fields: ex,
      type: 'exception',
      startUtc: utcOf(ex.start),
      endUtc: utcOf(ex.end),
      modifiedMs: ex.modifiedMs,
      changeKey: ex.changeKey,
    };
  return {
    ...base,
    fields: event,
    type: 'occurrence',
    startUtc: slot.startUtc,
    endUtc: slot.endUtc,
    modifiedMs: event.modifiedMs,
    changeKey: event.changeKey,
  };
}

/**
 * Every instance of an event overlapping [fromUtc, toUtc): the event itself when single, else its
 * occurrences and exceptions (cancelled ones left out), as calendarView and getSchedule see them.
 */
export function instancesBetween(event: StoredEvent, fromUtc: number, toUtc: number): Instance[] {
  if (!event.recurrence) {
    const startUtc = utcOf(event.start);
    const endUtc = utcOf(event.end);
    if (!overlaps(startUtc, endUtc, fromUtc, toUtc)) return [];
    return [
      {
        id: event.id,
        event,
        fields: event,
        type: 'singleInstance',
        startUtc,
        endUtc,
        modifiedMs: event.modifiedMs,
        changeKey: event.changeKey,
      },
    ];
  }
  const zone = ianaZone(event.start.zone) ?? 'Etc/UTC';
  // A modified occurrence may have moved up to a few days from its slot; look a little further.
  const untilDay = Math.floor(utcToLocalMs(toUtc, zone) / DAY_MS) + 2;
  const fromDay = Math.floor(utcToLocalMs(fromUtc, zone) / DAY_MS) - 2;
  const out: Instance[] = [];
  for (const day of occurrenceDays(event.recurrence, untilDay)) {
    const date = dateOfDay(day);
    if (event.cancelled.has(date) || (day < fromDay && !event.exceptions.has(date))) continue;
    const inst = instanceFor(event, day);
    if (overlaps(inst.startUtc, inst.endUtc, fromUtc, toUtc)) out.push(inst);
  }
  return out;
}
