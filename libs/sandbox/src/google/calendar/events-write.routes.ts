import type { ServerResponse } from 'node:http';
import type { calendar_v3 } from 'googleapis';
import { isRecord } from '../../http/body';
import { sendEmpty } from '../../http/respond';
import type { Route } from '../../http/route';
import type { SandboxRequest } from '../../http/sandbox-request';
import { googleError } from '../../http/vendor-errors';
import type { SandboxContext } from '../../sandbox-context';
import { calendarRoute, notFound, ownCalendar, readObject, SCOPES, send } from './calendar-http';
import { EVENT_ID, newEventId, type CalendarStore, type StoredCalendar, type StoredEvent } from './calendar.store';
import { eventResource, instanceSuffix } from './event-resource';
import { validateEvent, writableFields } from './event-input';
import { findEvent } from './event-lookup';

const timingChanged = (a: calendar_v3.Schema$Event, b: calendar_v3.Schema$Event): boolean =>
  JSON.stringify([a.start, a.end, a.recurrence]) !== JSON.stringify([b.start, b.end, b.recurrence]);

/** events.insert, patch, update, delete and import. */
export function eventsWriteRoutes(ctx: SandboxContext, store: CalendarStore): Route[] {
  const now = () => ctx.clock.now();

  /** Writes `data` as event `id`, bumping `sequence` when its timing changed, as Google does. */
  const save = (calendar: StoredCalendar, id: string, data: calendar_v3.Schema$Event, previous?: calendar_v3.Schema$Event): StoredEvent => {
    const sequence = previous ? (previous.sequence ?? 0) + (timingChanged(previous, data) ? 1 : 0) : (data.sequence ?? 0);
    return store.put(calendar, id, { ...data, sequence }, now());
  };

  /** The identity fields an update or patch never changes. */
  const identity = (calendar: StoredCalendar, d: calendar_v3.Schema$Event): calendar_v3.Schema$Event => ({
    iCalUID: d.iCalUID ?? null,
    organizer: d.organizer ?? { email: calendar.owner },
    creator: d.creator ?? { email: calendar.owner },
    ...(d.recurringEventId ? { recurringEventId: d.recurringEventId, ...(d.originalStartTime ? { originalStartTime: d.originalStartTime } : {}) } : {}),
  });

  const insert = async (req: SandboxRequest, res: ServerResponse): Promise<void> => {
    const calendar = ownCalendar(store, req);
    const body = await readObject(req);
    const id = body['id'] === undefined ? newEventId() : body['id'];
    if (typeof id !== 'string' || !EVENT_ID.test(id)) throw googleError(400, 'invalid', 'Invalid resource id value.');
    if (calendar.events.has(id)) throw googleError(409, 'duplicate', 'The requested identifier already exists.');
    const iCalUID = typeof body['iCalUID'] === 'string' ? body['iCalUID'] : `${id}@google.com`;
    const data = validateEvent({ ...writableFields(body), iCalUID, organizer: { email: calendar.owner }, creator: { email: calendar.owner } });
    send(req, res, eventResource(calendar, save(calendar, id, data)));
  };

  /** The stored event to change; an untouched instance becomes an exception first. */
  const target = (calendar: StoredCalendar, id: string): StoredEvent => {
    const found = findEvent(calendar, id);
    if (!found) throw notFound();
    return found.event;
  };

  const patch = async (req: SandboxRequest, res: ServerResponse): Promise<void> => {
    const calendar = ownCalendar(store, req);
    const body = await readObject(req);
    const current = target(calendar, req.params['eventId'] ?? '');
    const merged: Record<string, unknown> = { ...current.data };
    for (const [k, v] of Object.entries(writableFields(body))) {
      const prev = merged[k];
      if (v === null) delete merged[k];
      else if ((k === 'start' || k === 'end') && isRecord(v) && isRecord(prev)) {
        // A patched time keeps its zone, unless it switches between a date and a date-time.
        merged[k] = 'date' in v || 'date' in prev ? v : { ...prev, ...v };
      } else if (isRecord(v) && isRecord(prev)) merged[k] = { ...prev, ...v };
      // Arrays and scalars replace.
      else merged[k] = v;
    }
    const data = validateEvent({ ...merged, ...identity(calendar, current.data) });
    send(req, res, eventResource(calendar, save(calendar, current.id, data, current.data)));
  };

  const update = async (req: SandboxRequest, res: ServerResponse): Promise<void> => {
    const calendar = ownCalendar(store, req);
    const body = await readObject(req);
    const current = target(calendar, req.params['eventId'] ?? '');
    const data = validateEvent({ ...writableFields(body), ...identity(calendar, current.data) });
    send(req, res, eventResource(calendar, save(calendar, current.id, data, current.data)));
  };

  const remove = (req: SandboxRequest, res: ServerResponse): void => {
    const calendar = ownCalendar(store, req);
    const current = target(calendar, req.params['eventId'] ?? '');
    if (current.data.status === 'cancelled') throw googleError(410, 'deleted', 'Resource has been deleted');
    save(calendar, current.id, { ...current.data, status: 'cancelled' }, current.data);
    // Deleting a recurring event deletes its exceptions with it.
    for (const ev of calendar.events.values()) {
      if (ev.data.recurringEventId === current.id && ev.data.status !== 'cancelled') save(calendar, ev.id, { ...ev.data, status: 'cancelled' }, ev.data);
    }
    sendEmpty(res, 204);
  };

  /**
   * events.import: adds a private copy of an existing event by iCalUID, keeping its organizer.
   * Importing the same iCalUID again updates that copy; with `originalStartTime` it writes an
   * exception of the recurring event with that iCalUID.
   */
  const importEvent = async (req: SandboxRequest, res: ServerResponse): Promise<void> => {
    const calendar = ownCalendar(store, req);
    const body = await readObject(req);
    const iCalUID = body['iCalUID'];
    if (typeof iCalUID !== 'string' || !iCalUID) throw googleError(400, 'required', 'Missing iCalUID.', { location: 'iCalUID', locationType: 'parameter' });
    const organizer = typeof body['organizer'] === 'object' && body['organizer'] !== null ? (body['organizer'] as calendar_v3.Schema$Event['organizer']) : { email: calendar.owner };
    const fields: Record<string, unknown> = { ...writableFields(body), iCalUID, organizer, creator: { email: calendar.owner } };
    const sameUid = [...calendar.events.values()].filter((e) => e.data.iCalUID === iCalUID);
    const original = body['originalStartTime'];
    let id: string;
    let previous: StoredEvent | undefined;
    if (original !== undefined && original !== null) {
      const master = sameUid.find((e) => !e.data.recurringEventId && e.data.recurrence?.length);
      if (!master || typeof original !== 'object') throw googleError(400, 'invalid', 'Invalid value for: originalStartTime');
      const suffix = instanceSuffix(original, master.data.start?.timeZone ?? calendar.timeZone);
      id = `${master.id}_${suffix}`;
      fields['recurringEventId'] = master.id;
      fields['originalStartTime'] = original;
      previous = calendar.events.get(id);
    } else {
      previous = sameUid.find((e) => !e.data.recurringEventId);
      id = previous?.id ?? newEventId();
    }
    const data = validateEvent(fields);
    send(req, res, eventResource(calendar, save(calendar, id, data, previous?.data)));
  };

  return [
    calendarRoute('POST', '/calendar/v3/calendars/:calendarId/events/import', 'calendar.events.import', SCOPES.eventsWrite, importEvent),
    calendarRoute('POST', '/calendar/v3/calendars/:calendarId/events', 'calendar.events.insert', SCOPES.eventsWrite, insert),
    calendarRoute('PATCH', '/calendar/v3/calendars/:calendarId/events/:eventId', 'calendar.events.patch', SCOPES.eventsWrite, patch),
    calendarRoute('PUT', '/calendar/v3/calendars/:calendarId/events/:eventId', 'calendar.events.update', SCOPES.eventsWrite, update),
    calendarRoute('DELETE', '/calendar/v3/calendars/:calendarId/events/:eventId', 'calendar.events.delete', SCOPES.eventsWrite, remove),
  ];
}
