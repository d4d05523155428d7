import type { calendar_v3 } from 'googleapis';
import type { StoredCalendar, StoredEvent } from './calendar.store';
import { eventResource, eventSpan, originalKey, synthesiseInstances, timeInstant } from './event-resource';

export interface ViewOptions {
  readonly timeMin?: number;
  readonly timeMax?: number;
  readonly singleEvents: boolean;
  readonly showDeleted: boolean;
  /** Where endless recurrences stop when there is no `timeMax`. */
  readonly horizon: number;
}

/** One listed item with what ordering needs. */
export interface ViewItem {
  readonly resource: calendar_v3.Schema$Event;
  readonly start: number;
  readonly updatedMs: number;
  readonly createdMs: number;
}

const overlaps = (start: number, end: number, o: ViewOptions): boolean => (o.timeMin === undefined || end > o.timeMin || (end === start && start >= o.timeMin)) && (o.timeMax === undefined || start < o.timeMax);

function item(calendar: StoredCalendar, ev: StoredEvent, start: number): ViewItem {
  return { resource: eventResource(calendar, ev), start, updatedMs: ev.updatedMs, createdMs: ev.createdMs };
}

/** The exceptions (modified or cancelled instances) of each recurring event, by original start. */
export function exceptionsByMaster(calendar: StoredCalendar): Map<string, Map<string, StoredEvent>> {
  const out = new Map<string, Map<string, StoredEvent>>();
  for (const ev of calendar.events.values()) {
    const master = ev.data.recurringEventId;
    const key = originalKey(ev.data.originalStartTime, calendar.timeZone);
    if (!master || !key) continue;
    let m = out.get(master);
    if (!m) out.set(master, (m = new Map<string, StoredEvent>()));
    m.set(key, ev);
  }
  return out;
}

/**
 * What `events.list` shows of a calendar for a time window: with `singleEvents` recurring events
 * become their instances (exceptions applied); without it, masters plus their exceptions, where
 * cancelled instances still appear: the reference says they are included when `showDeleted` and
 * `singleEvents` are both false, so clients learn of deleted occurrences.
 */
export function viewEvents(calendar: StoredCalendar, o: ViewOptions): ViewItem[] {
  const out: ViewItem[] = [];
  const exceptions = exceptionsByMaster(calendar);
  const until = o.timeMax ?? o.horizon;
  for (const ev of calendar.events.values()) {
    const d = ev.data;
    const cancelled = d.status === 'cancelled';
    if (d.recurringEventId) {
      const master = calendar.events.get(d.recurringEventId);
      if (!master || master.data.status === 'cancelled') continue;
      const span = cancelled ? undefined : eventSpan(calendar, d);
      const originalStart = timeInstant(d.originalStartTime ?? undefined, calendar.timeZone) ?? 0;
      if (cancelled) {
        if ((o.singleEvents && !o.showDeleted) || !overlaps(originalStart, originalStart + 1, o)) continue;
      } else if (!span || !overlaps(span.start, span.end, o)) continue;
      out.push(item(calendar, ev, span?.start ?? originalStart));
      continue;
    }
    if (cancelled && !o.showDeleted) continue;
    const span = eventSpan(calendar, d);
    if (!span) continue;
    if (!d.recurrence || d.recurrence.length === 0) {
      if (overlaps(span.start, span.end, o)) out.push(item(calendar, ev, span.start));
      continue;
    }
    if (cancelled) {
      out.push(item(calendar, ev, span.start));
      continue;
    }
    const own = exceptions.get(ev.id);
    const duration = span.end - span.start;
    const instances = synthesiseInstances(calendar, ev, until).filter((i) => !own?.has(i.key));
    if (!o.singleEvents) {
      const any = instances.some((i) => {
        const s = timeInstant(i.data.start, calendar.timeZone) ?? 0;
        return overlaps(s, s + duration, o);
      });
      if (any || (own && own.size > 0 && o.timeMin === undefined && o.timeMax === undefined)) out.push(item(calendar, ev, span.start));
      continue;
    }
    for (const inst of instances) {
      const s = timeInstant(inst.data.start, calendar.timeZone) ?? 0;
      const e = timeInstant(inst.data.end, calendar.timeZone) ?? s;
      if (!overlaps(s, e, o)) continue;
      out.push(item(calendar, { id: inst.id, data: inst.data, createdMs: ev.createdMs, updatedMs: ev.updatedMs, changeSeq: ev.changeSeq }, s));
    }
  }
  return out;
}
