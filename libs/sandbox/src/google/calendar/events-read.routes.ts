import type { ServerResponse } from 'node:http';
import type { calendar_v3 } from 'googleapis';
import type { Route } from '../../http/route';
import type { SandboxRequest } from '../../http/sandbox-request';
import { googleError } from '../../http/vendor-errors';
import type { SandboxContext } from '../../sandbox-context';
import { googlePage } from '../paging';
import { boolParam, calendarRoute, callerCalendars, notFound, ownCalendar, SCOPES, send, timeParam } from './calendar-http';
import type { CalendarStore, StoredCalendar } from './calendar.store';
import { exceptionsByMaster, viewEvents, type ViewItem } from './calendar-view';
import { eventResource, timeInstant } from './event-resource';
import { findEvent } from './event-lookup';
import { decodeSyncToken, encodeSyncToken } from './sync-token';
import { isTimeZone } from './zoned-time';

/** Parameters that cannot accompany a syncToken (events.list reference, `syncToken`). */
const NOT_WITH_SYNC = ['timeMin', 'timeMax', 'orderBy', 'q', 'iCalUID', 'updatedMin', 'privateExtendedProperty', 'sharedExtendedProperty'];
/** Endless recurrences expand this far past now when a list has no timeMax. */
const HORIZON_MS = 2 * 365 * 86_400_000;

export const fullSyncRequired = () =>
  googleError(410, 'fullSyncRequired', 'Sync token is no longer valid, a full sync is required.', { domain: 'calendar', location: 'syncToken', locationType: 'parameter' });

function eventsBody(req: SandboxRequest, calendar: StoredCalendar, items: calendar_v3.Schema$Event[], extra: Partial<calendar_v3.Schema$Events>): calendar_v3.Schema$Events {
  const zone = req.query.get('timeZone');
  if (zone !== null && !isTimeZone(zone)) throw googleError(400, 'invalid', 'Invalid time zone definition.', { location: 'timeZone', locationType: 'parameter' });
  const updated = [...calendar.events.values()].reduce((m, e) => Math.max(m, e.updatedMs), 0);
  return {
    kind: 'calendar#events',
    etag: `"p${calendar.changeSeq.toString(16).padStart(12, '0')}"`,
    summary: calendar.summary,
    ...(calendar.description ? { description: calendar.description } : {}),
    updated: new Date(updated).toISOString(),
    timeZone: zone ?? calendar.timeZone,
    accessRole: 'owner',
    defaultReminders: [{ method: 'popup', minutes: 10 }],
    ...extra,
    items,
  };
}

function sortItems(items: ViewItem[], orderBy: string | null): ViewItem[] {
  if (orderBy === 'startTime') return items.sort((a, b) => a.start - b.start || (a.resource.id ?? '').localeCompare(b.resource.id ?? ''));
  if (orderBy === 'updated') return items.sort((a, b) => a.updatedMs - b.updatedMs || (a.resource.id ?? '').localeCompare(b.resource.id ?? ''));
  // Google calls the default order "unspecified, stable"; creation order is stable.
  return items.sort((a, b) => a.createdMs - b.createdMs || (a.resource.id ?? '').localeCompare(b.resource.id ?? ''));
}

/** events.list (full and incremental), events.get and events.instances. */
export function eventsReadRoutes(ctx: SandboxContext, store: CalendarStore): Route[] {
  const window = (req: SandboxRequest) => {
    const timeMin = timeParam(req, 'timeMin');
    const timeMax = timeParam(req, 'timeMax');
    if (timeMin !== undefined && timeMax !== undefined && timeMax <= timeMin) {
      throw googleError(400, 'timeRangeEmpty', 'The specified time range is empty.', { location: 'timeMax', locationType: 'parameter' });
    }
    return { ...(timeMin !== undefined ? { timeMin } : {}), ...(timeMax !== undefined ? { timeMax } : {}) };
  };

  const incremental = (req: SandboxRequest, calendar: StoredCalendar, token: string): calendar_v3.Schema$Event[] => {
    for (const p of NOT_WITH_SYNC) {
      if (req.query.has(p)) throw googleError(400, 'invalid', `The syncToken parameter cannot be combined with ${p}.`, { location: p, locationType: 'parameter' });
    }
    const user = callerCalendars(store, req);
    const pos = decodeSyncToken(token);
    if (req.staleDelta || !pos || pos.calendarId !== calendar.id || pos.epoch !== user.syncEpoch || pos.seq > calendar.changeSeq) throw fullSyncRequired();
    // Simplified: changed recurring events come back as masters and exceptions even with singleEvents=true.
    return [...calendar.events.values()].filter((e) => e.changeSeq > pos.seq).sort((a, b) => a.changeSeq - b.changeSeq).map((e) => eventResource(calendar, e));
  };

  const list = (req: SandboxRequest, res: ServerResponse): void => {
    const calendar = ownCalendar(store, req);
    const user = callerCalendars(store, req);
    const syncToken = req.query.get('syncToken');
    let items: calendar_v3.Schema$Event[];
    if (syncToken !== null) items = incremental(req, calendar, syncToken);
    else {
      const singleEvents = boolParam(req, 'singleEvents');
      const orderBy = req.query.get('orderBy');
      if (orderBy !== null && orderBy !== 'startTime' && orderBy !== 'updated') throw googleError(400, 'invalidParameter', `Invalid value for orderBy: ${orderBy.slice(0, 40)}`, { location: 'orderBy', locationType: 'parameter' });
      if (orderBy === 'startTime' && !singleEvents) throw googleError(400, 'badRequest', 'The requested ordering is not available for the particular query.');
      let view = viewEvents(calendar, { ...window(req), singleEvents, showDeleted: boolParam(req, 'showDeleted'), horizon: ctx.clock.now() + HORIZON_MS });
      const q = req.query.get('q')?.toLowerCase();
      if (q) view = view.filter((v) => [v.resource.summary, v.resource.description, v.resource.location].some((s) => s?.toLowerCase().includes(q)));
      const iCalUID = req.query.get('iCalUID');
      if (iCalUID) view = view.filter((v) => v.resource.iCalUID === iCalUID);
      const updatedMin = timeParam(req, 'updatedMin');
      if (updatedMin !== undefined) view = view.filter((v) => v.updatedMs >= updatedMin);
      items = sortItems(view, orderBy).map((v) => v.resource);
    }
    const { page, nextPageToken } = googlePage(items, req, 'maxResults', 250, 2500);
    const position = encodeSyncToken({ calendarId: calendar.id, epoch: user.syncEpoch, seq: calendar.changeSeq });
    send(req, res, eventsBody(req, calendar, page, nextPageToken ? { nextPageToken } : { nextSyncToken: position }));
  };

  const get = (req: SandboxRequest, res: ServerResponse): void => {
    const calendar = ownCalendar(store, req);
    const found = findEvent(calendar, req.params['eventId'] ?? '');
    if (!found) throw notFound();
    send(req, res, eventResource(calendar, found.event));
  };

  const instances = (req: SandboxRequest, res: ServerResponse): void => {
    const calendar = ownCalendar(store, req);
    const master = calendar.events.get(req.params['eventId'] ?? '');
    if (!master || master.data.recurringEventId) throw notFound();
    const showDeleted = boolParam(req, 'showDeleted');
    let items: calendar_v3.Schema$Event[];
    if (!master.data.recurrence?.length) items = [eventResource(calendar, master)];
    else {
      const own = exceptionsByMaster(calendar).get(master.id);
      const view = viewEvents({ ...calendar, events: new Map([[master.id, master], ...[...(own?.values() ?? [])].map((e) => [e.id, e] as const)]) }, { ...window(req), singleEvents: true, showDeleted, horizon: ctx.clock.now() + HORIZON_MS });
      const originalStart = req.query.get('originalStart');
      const wanted = originalStart === null ? undefined : timeInstant({ dateTime: originalStart }, calendar.timeZone);
      if (originalStart !== null && wanted === undefined) throw googleError(400, 'badRequest', 'Bad Request');
      items = sortItems(view, 'startTime')
        .map((v) => v.resource)
        .filter((r) => wanted === undefined || timeInstant(r.originalStartTime ?? undefined, calendar.timeZone) === wanted);
    }
    const { page, nextPageToken } = googlePage(items, req, 'maxResults', 250, 2500);
    send(req, res, eventsBody(req, calendar, page, nextPageToken ? { nextPageToken } : {}));
  };

  return [
    calendarRoute('GET', '/calendar/v3/calendars/:calendarId/events', 'calendar.events.list', SCOPES.eventsRead, list),
    calendarRoute('GET', '/calendar/v3/calendars/:calendarId/events/:eventId/instances', 'calendar.events.instances', SCOPES.eventsRead, instances),
    calendarRoute('GET', '/calendar/v3/calendars/:calendarId/events/:eventId', 'calendar.events.get', SCOPES.eventsRead, get),
  ];
}
