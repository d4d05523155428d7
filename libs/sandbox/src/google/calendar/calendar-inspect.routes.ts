import { createHash } from 'node:crypto';
import { isRecord, readJson } from '../../http/body';
import { sendJson } from '../../http/respond';
import type { Route } from '../../http/route';
import type { SandboxRequest } from '../../http/sandbox-request';
import { inspectError } from '../../http/vendor-errors';
import { asInspect, inspectBadRequest } from '../../inspect/inspect-errors';
import { inspectRoutes } from '../../inspect/inspect-route';
import type { SandboxContext } from '../../sandbox-context';
import { newEventId, type CalendarStore, type StoredCalendar, type UserCalendars } from './calendar.store';
import { validateEvent, writableFields } from './event-input';
import { busyIntervals } from './freebusy.routes';
import { parseDateTime } from './zoned-time';

/**
 * `/_sandbox/google/calendar/:user/...`: read back what landed in a user's calendars, change them
 * between migration passes, and expire the user's sync tokens.
 */
export function calendarInspectRoutes(ctx: SandboxContext, store: CalendarStore): Route[] {
  const route = inspectRoutes('', 'inspect.google.calendar');
  const userOf = (req: SandboxRequest): UserCalendars => {
    const u = store.user(req.params['user'] ?? '');
    if (!u) throw inspectError(404, 'no such Google user');
    return u;
  };
  const calendarOf = (req: SandboxRequest, u: UserCalendars, id: string | null): StoredCalendar => {
    const c = !id || id === 'primary' ? u.calendars.get(u.email.toLowerCase()) : u.calendars.get(id.toLowerCase());
    if (!c) throw inspectError(404, 'no such calendar');
    return c;
  };
  const body = async (req: SandboxRequest): Promise<Record<string, unknown>> => {
    const b = await readJson(req.raw, inspectBadRequest);
    if (!isRecord(b)) throw inspectBadRequest('a JSON object is required');
    return b;
  };
  /** Event validation errors are Google's (all 400s); here they take the inspection API's plain shape. */
  const validated = (data: Record<string, unknown>) => asInspect(() => validateEvent(data));

  return [
    route('GET', '/_sandbox/google/calendar/:user', 'user', (req, res) => {
      const u = userOf(req);
      sendJson(res, 200, {
        user: u.email,
        syncEpoch: u.syncEpoch,
        calendars: [...u.calendars.values()].map((c) => {
          const events = [...c.events.values()];
          return { id: c.id, summary: c.summary, timeZone: c.timeZone, primary: c.primary, changeSeq: c.changeSeq, events: events.filter((e) => e.data.status !== 'cancelled').length, cancelled: events.filter((e) => e.data.status === 'cancelled').length };
        }),
      });
    }),
    route('GET', '/_sandbox/google/calendar/:user/events', 'events', (req, res) => {
      const c = calendarOf(req, userOf(req), req.query.get('calendarId'));
      sendJson(res, 200, {
        calendarId: c.id,
        items: [...c.events.values()].map((e) => ({
          id: e.id,
          status: e.data.status ?? 'confirmed',
          summary: e.data.summary ?? null,
          start: e.data.start ?? null,
          end: e.data.end ?? null,
          recurrence: e.data.recurrence ?? null,
          recurringEventId: e.data.recurringEventId ?? null,
          iCalUID: e.data.iCalUID ?? null,
          transparency: e.data.transparency ?? 'opaque',
          organizer: e.data.organizer?.email ?? null,
          attendees: (e.data.attendees ?? []).length,
          updated: new Date(e.updatedMs).toISOString(),
          sha256: createHash('sha256').update(JSON.stringify(e.data)).digest('hex'),
        })),
      });
    }),
    route('POST', '/_sandbox/google/calendar/:user/events', 'events.add', async (req, res) => {
      const u = userOf(req);
      const b = await body(req);
      const c = calendarOf(req, u, typeof b['calendarId'] === 'string' ? b['calendarId'] : null);
      const start = ctx.clock.now() + 86_400_000;
      const data = validated({
        start: { dateTime: new Date(start).toISOString() },
        end: { dateTime: new Date(start + 3_600_000).toISOString() },
        ...writableFields(b),
        organizer: { email: c.owner },
        creator: { email: c.owner },
      });
      const id = newEventId();
      store.put(c, id, { ...data, iCalUID: `${id}@google.com` }, ctx.clock.now());
      sendJson(res, 201, { id });
    }),
    route('PATCH', '/_sandbox/google/calendar/:user/events/:id', 'events.change', async (req, res) => {
      const u = userOf(req);
      const b = await body(req);
      const c = calendarOf(req, u, typeof b['calendarId'] === 'string' ? b['calendarId'] : null);
      const ev = c.events.get(req.params['id'] ?? '');
      if (!ev) throw inspectError(404, 'no such event');
      store.put(c, ev.id, validated({ ...ev.data, ...writableFields(b) }), ctx.clock.now());
      sendJson(res, 200, { id: ev.id });
    }),
    route('DELETE', '/_sandbox/google/calendar/:user/events/:id', 'events.delete', (req, res) => {
      const c = calendarOf(req, userOf(req), req.query.get('calendarId'));
      const ev = c.events.get(req.params['id'] ?? '');
      if (!ev) throw inspectError(404, 'no such event');
      store.put(c, ev.id, { ...ev.data, status: 'cancelled' }, ctx.clock.now());
      sendJson(res, 200, { id: ev.id });
    }),
    route('GET', '/_sandbox/google/calendar/:user/busy', 'busy', (req, res) => {
      const c = calendarOf(req, userOf(req), req.query.get('calendarId'));
      const from = parseDateTime(req.query.get('timeMin') ?? '');
      const to = parseDateTime(req.query.get('timeMax') ?? '');
      if (from === undefined || to === undefined || to <= from) throw inspectBadRequest('timeMin and timeMax: RFC 3339 with an offset, timeMin < timeMax');
      sendJson(res, 200, { busy: busyIntervals(c, from, to).map((s) => ({ start: new Date(s.start).toISOString(), end: new Date(s.end).toISOString() })) });
    }),
    route('POST', '/_sandbox/google/calendar/:user/sync-tokens/expire', 'sync.expire', (req, res) => {
      const u = userOf(req);
      u.syncEpoch++;
      sendJson(res, 200, { syncEpoch: u.syncEpoch });
    }),
  ];
}
