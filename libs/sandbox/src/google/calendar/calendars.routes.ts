import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { calendar_v3 } from 'googleapis';
import type { Route } from '../../http/route';
import type { SandboxRequest } from '../../http/sandbox-request';
import { googleError } from '../../http/vendor-errors';
import { googlePage } from '../paging';
import { calendarRoute, callerCalendars, notFound, ownCalendar, readObject, SCOPES, send } from './calendar-http';
import type { CalendarStore, StoredCalendar } from './calendar.store';
import { isTimeZone } from './zoned-time';

const etagOf = (c: StoredCalendar): string => `"${c.id.length.toString(16)}${c.changeSeq.toString(16).padStart(8, '0')}${Buffer.from(c.summary).toString('hex').slice(0, 8)}"`;

export function calendarResource(c: StoredCalendar): calendar_v3.Schema$Calendar {
  return {
    kind: 'calendar#calendar',
    etag: etagOf(c),
    id: c.id,
    summary: c.summary,
    ...(c.description ? { description: c.description } : {}),
    ...(c.location ? { location: c.location } : {}),
    timeZone: c.timeZone,
    conferenceProperties: { allowedConferenceSolutionTypes: ['hangoutsMeet'] },
  };
}

function listEntry(c: StoredCalendar): calendar_v3.Schema$CalendarListEntry {
  return {
    kind: 'calendar#calendarListEntry',
    etag: etagOf(c),
    id: c.id,
    summary: c.summary,
    ...(c.description ? { description: c.description } : {}),
    timeZone: c.timeZone,
    colorId: c.primary ? '14' : '7',
    backgroundColor: c.primary ? '#9fe1e7' : '#42d692',
    foregroundColor: '#000000',
    selected: true,
    accessRole: 'owner',
    defaultReminders: c.primary ? [{ method: 'popup', minutes: 10 }] : [],
    ...(c.primary ? { primary: true, notificationSettings: { notifications: [{ type: 'eventCreation', method: 'email' }] } } : {}),
    conferenceProperties: { allowedConferenceSolutionTypes: ['hangoutsMeet'] },
  };
}

/** calendarList.list/get and calendars.get/insert over the caller's own calendars. */
export function calendarsRoutes(store: CalendarStore): Route[] {
  const list = (req: SandboxRequest, res: ServerResponse): void => {
    const user = callerCalendars(store, req);
    const min = req.query.get('minAccessRole');
    if (min !== null && !['freeBusyReader', 'reader', 'writer', 'owner'].includes(min)) throw googleError(400, 'invalidParameter', `Invalid value for minAccessRole: ${min.slice(0, 40)}`);
    // Simplified: no calendarList sync tokens; the list is the caller's own calendars (all owned).
    const all = [...user.calendars.values()].sort((a, b) => Number(b.primary) - Number(a.primary) || a.id.localeCompare(b.id));
    const { page, nextPageToken } = googlePage(all, req, 'maxResults', 100, 250);
    const body: calendar_v3.Schema$CalendarList = { kind: 'calendar#calendarList', etag: `"${all.map((c) => c.changeSeq).join('.')}"`, ...(nextPageToken ? { nextPageToken } : {}), items: page.map(listEntry) };
    send(req, res, body);
  };

  const entry = (req: SandboxRequest, res: ServerResponse): void => send(req, res, listEntry(ownCalendar(store, req)));
  const get = (req: SandboxRequest, res: ServerResponse): void => send(req, res, calendarResource(ownCalendar(store, req)));

  const insert = async (req: SandboxRequest, res: ServerResponse): Promise<void> => {
    const user = callerCalendars(store, req);
    const body = await readObject(req);
    const summary = body['summary'];
    if (typeof summary !== 'string' || !summary.trim()) throw googleError(400, 'required', 'Missing title.');
    const zone = body['timeZone'] ?? user.calendars.get(user.email.toLowerCase())?.timeZone ?? 'UTC';
    if (typeof zone !== 'string' || !isTimeZone(zone)) throw googleError(400, 'invalid', 'Invalid time zone definition.');
    const id = `c_${randomBytes(32).toString('hex')}@group.calendar.google.com`;
    const calendar: StoredCalendar = { id, owner: user.email, primary: false, summary, timeZone: zone, events: new Map(), changeSeq: 0 };
    if (typeof body['description'] === 'string') calendar.description = body['description'];
    if (typeof body['location'] === 'string') calendar.location = body['location'];
    store.addCalendar(user, calendar);
    send(req, res, calendarResource(calendar));
  };

  return [
    calendarRoute('GET', '/calendar/v3/users/me/calendarList', 'calendar.calendarList.list', SCOPES.calendarListRead, list),
    calendarRoute('GET', '/calendar/v3/users/me/calendarList/:calendarId', 'calendar.calendarList.get', SCOPES.calendarListRead, entry),
    calendarRoute('POST', '/calendar/v3/calendars', 'calendar.calendars.insert', SCOPES.calendarsWrite, insert),
    calendarRoute('GET', '/calendar/v3/calendars/:calendarId', 'calendar.calendars.get', SCOPES.calendarsRead, (req, res) => {
      if (!req.params['calendarId']) throw notFound();
      get(req, res);
    }),
  ];
}
