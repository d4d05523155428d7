import type { ServerResponse } from 'node:http';
import type { calendar_v3 } from 'googleapis';
import type { Route } from '../../http/route';
import type { SandboxRequest } from '../../http/sandbox-request';
import { googleError } from '../../http/vendor-errors';
import type { SandboxContext } from '../../sandbox-context';
import { calendarRoute, callerCalendars, readObject, SCOPES, send } from './calendar-http';
import type { CalendarStore, StoredCalendar } from './calendar.store';
import { viewEvents } from './calendar-view';
import { timeInstant, type Span } from './event-resource';
import { formatInZone, isTimeZone, parseDateTime } from './zoned-time';

/** The reference's maxima for `calendarExpansionMax` and `groupExpansionMax`. */
const MAX_CALENDARS = 50;
const MAX_GROUP_MEMBERS = 100;

/**
 * Busy intervals of one calendar within [from, to): every confirmed or tentative event and
 * instance (recurrences expanded, exceptions applied) that is opaque and that the owner has not
 * declined, clipped to the window and merged where they touch or overlap. `invitations` are the
 * owner's busy spans from other calendars' events that invite them.
 */
export function busyIntervals(calendar: StoredCalendar, from: number, to: number, invitations: readonly Span[] = []): Span[] {
  const spans: Span[] = [...invitations];
  for (const { resource: ev } of viewEvents(calendar, { timeMin: from, timeMax: to, singleEvents: true, showDeleted: false, horizon: to })) {
    if (ev.status === 'cancelled' || ev.transparency === 'transparent') continue;
    if (ev.attendees?.some((a) => a.email?.toLowerCase() === calendar.owner.toLowerCase() && a.responseStatus === 'declined')) continue;
    const start = timeInstant(ev.start, calendar.timeZone);
    const end = timeInstant(ev.end, calendar.timeZone);
    if (start === undefined || end === undefined || end <= start) continue;
    const s = Math.max(start, from);
    const e = Math.min(end, to);
    if (e > s) spans.push({ start: s, end: e });
  }
  spans.sort((a, b) => a.start - b.start);
  const merged: Span[] = [];
  for (const span of spans) {
    const last = merged[merged.length - 1];
    if (last && span.start <= last.end) merged[merged.length - 1] = { start: last.start, end: Math.max(last.end, span.end) };
    else merged.push(span);
  }
  return merged;
}

/**
 * Busy spans each user owes to invitations on other calendars of the customer: opaque events that
 * list them as an attendee who has not declined. Simplified: the sandbox keeps one copy of an
 * event, on its organizer's calendar, instead of copying invitations to attendees' calendars; this
 * is where free/busy accounts for them.
 */
export function invitationSpans(store: CalendarStore, customerId: string, from: number, to: number): Map<string, Span[]> {
  const out = new Map<string, Span[]>();
  for (const user of store.users.values()) {
    if (user.customerId !== customerId) continue;
    for (const calendar of user.calendars.values()) {
      const invites = [...calendar.events].filter(([, e]) => (e.data.attendees?.length ?? 0) > 0 || (e.data.recurringEventId && (calendar.events.get(e.data.recurringEventId)?.data.attendees?.length ?? 0) > 0));
      if (invites.length === 0) continue;
      for (const { resource: ev } of viewEvents({ ...calendar, events: new Map(invites) }, { timeMin: from, timeMax: to, singleEvents: true, showDeleted: false, horizon: to })) {
        if (ev.status === 'cancelled' || ev.transparency === 'transparent') continue;
        const start = timeInstant(ev.start, calendar.timeZone);
        const end = timeInstant(ev.end, calendar.timeZone);
        if (start === undefined || end === undefined || end <= start) continue;
        for (const a of ev.attendees ?? []) {
          const email = a.email?.toLowerCase();
          if (!email || email === calendar.owner.toLowerCase() || a.responseStatus === 'declined') continue;
          let spans = out.get(email);
          if (!spans) out.set(email, (spans = []));
          spans.push({ start: Math.max(start, from), end: Math.min(end, to) });
        }
      }
    }
  }
  return out;
}

/** freebusy.query: computed live from the events of calendars in the caller's own customer. */
export function freeBusyRoutes(ctx: SandboxContext, store: CalendarStore): Route[] {
  const query = async (req: SandboxRequest, res: ServerResponse): Promise<void> => {
    const caller = callerCalendars(store, req);
    const body = await readObject(req);
    const time = (name: 'timeMin' | 'timeMax'): number => {
      const raw = body[name];
      if (raw === undefined || raw === null) throw googleError(400, 'required', `Missing ${name} parameter.`, { location: name, locationType: 'parameter' });
      const t = typeof raw === 'string' ? parseDateTime(raw) : undefined;
      if (t === undefined) throw googleError(400, 'badRequest', 'Bad Request');
      return t;
    };
    const from = time('timeMin');
    const to = time('timeMax');
    if (to <= from) throw googleError(400, 'timeRangeEmpty', 'The specified time range is empty.', { location: 'timeMax', locationType: 'parameter' });
    const zone = body['timeZone'] ?? 'UTC';
    if (typeof zone !== 'string' || !isTimeZone(zone)) throw googleError(400, 'invalid', 'Invalid time zone definition.', { location: 'timeZone', locationType: 'parameter' });
    const items = body['items'];
    if (!Array.isArray(items) || items.some((i) => typeof i !== 'object' || i === null || typeof (i as { id?: unknown }).id !== 'string')) {
      throw googleError(400, 'required', 'Missing items.', { location: 'items', locationType: 'parameter' });
    }
    const calendarMax = Math.min(Number(body['calendarExpansionMax'] ?? MAX_CALENDARS) || MAX_CALENDARS, MAX_CALENDARS);
    const groupMax = Math.min(Number(body['groupExpansionMax'] ?? MAX_GROUP_MEMBERS) || MAX_GROUP_MEMBERS, MAX_GROUP_MEMBERS);
    const tenant = ctx.directory.google.get(caller.customerId);
    const calendars: Record<string, calendar_v3.Schema$FreeBusyCalendar> = {};
    const groups: Record<string, calendar_v3.Schema$FreeBusyGroup> = {};
    const format = (t: number): string => formatInZone(t, zone);
    let invitations: Map<string, Span[]> | undefined;

    const addCalendar = (id: string): void => {
      if (id in calendars) return;
      if (Object.keys(calendars).length >= calendarMax) {
        calendars[id] = { busy: [], errors: [{ domain: 'usageLimits', reason: 'tooManyCalendarsRequested' }] };
        return;
      }
      const calendar = id === 'primary' ? caller.calendars.get(caller.email.toLowerCase()) : store.calendar(id);
      const owner = calendar ? store.user(calendar.owner) : undefined;
      // Free/busy is visible across the caller's own organisation only (the domain default).
      if (!calendar || owner?.customerId !== caller.customerId) {
        calendars[id] = { busy: [], errors: [{ domain: 'global', reason: 'notFound' }] };
        return;
      }
      const invited = calendar.primary ? (invitations ??= invitationSpans(store, caller.customerId, from, to)).get(calendar.owner.toLowerCase()) : undefined;
      calendars[id] = { busy: busyIntervals(calendar, from, to, invited).map((s) => ({ start: format(s.start), end: format(s.end) })) };
    };

    for (const { id } of items as { id: string }[]) {
      const group = tenant?.groups.get(id.toLowerCase());
      if (!group) {
        addCalendar(id);
        continue;
      }
      const members = [...group.members.keys()];
      if (members.length > groupMax) {
        groups[id] = { calendars: [], errors: [{ domain: 'global', reason: 'groupTooBig' }] };
        continue;
      }
      groups[id] = { calendars: members };
      for (const m of members) addCalendar(m);
    }
    const response: calendar_v3.Schema$FreeBusyResponse = {
      kind: 'calendar#freeBusy',
      timeMin: new Date(from).toISOString(),
      timeMax: new Date(to).toISOString(),
      ...(Object.keys(groups).length > 0 ? { groups } : {}),
      calendars,
    };
    send(req, res, response);
  };

  return [calendarRoute('POST', '/calendar/v3/freeBusy', 'calendar.freebusy.query', SCOPES.freeBusy, query)];
}
