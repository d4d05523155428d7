import { createHash } from 'node:crypto';
import { readJson } from '../../http/body';
import { sendJson } from '../../http/respond';
import type { Route } from '../../http/route';
import { inspectError } from '../../http/vendor-errors';
import { asInspect, inspectBadRequest } from '../../inspect/inspect-errors';
import { mailboxInspect } from '../mailbox-inspect';
import type { CalendarService } from './calendar.service';
import { type CalendarMailbox, type StoredEvent, utcOf } from './calendar.store';
import { parseEventInput } from './event-input';

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

/** What a test asserts on: identity, times (UTC), free/busy, recurrence and a digest of the body. */
function eventMeta(e: StoredEvent): Record<string, unknown> {
  return {
    id: e.id,
    calendarId: e.calendarId,
    subject: e.subject,
    start: new Date(utcOf(e.start)).toISOString(),
    end: new Date(utcOf(e.end)).toISOString(),
    timeZone: e.start.zone,
    isAllDay: e.isAllDay,
    showAs: e.showAs,
    sensitivity: e.sensitivity,
    attendees: e.attendees.length,
    recurrence: e.recurrence ? { pattern: e.recurrence.pattern.type, range: e.recurrence.range.type } : null,
    cancelledOccurrences: [...e.cancelled].sort(),
    exceptions: [...e.exceptions.keys()].sort(),
    bodySha256: sha256(e.body.content),
    lastModifiedDateTime: new Date(e.modifiedMs).toISOString(),
  };
}

/** `/_sandbox/microsoft/calendar/:user/...`: read back what landed, and change a calendar between passes. */
export function calendarInspectRoutes(svc: CalendarService): Route[] {
  const { mailbox, route, common } = mailboxInspect('calendar', svc);
  const event = (m: CalendarMailbox, id: string): StoredEvent => {
    const e = m.events.get(id);
    if (!e) throw inspectError(404, 'no such event');
    return e;
  };
  return [
    route('GET', '', 'counts', (req, res) => {
      const m = mailbox(req);
      const events = [...m.events.values()];
      sendJson(res, 200, {
        userId: m.userId,
        calendars: m.calendars.size,
        events: events.length,
        seriesMasters: events.filter((e) => e.recurrence).length,
        cancelledOccurrences: events.reduce((n, e) => n + e.cancelled.size, 0),
        exceptions: events.reduce((n, e) => n + e.exceptions.size, 0),
        mutations: m.mutations.length,
      });
    }),
    route('GET', '/calendars', 'calendars', (req, res) => {
      const m = mailbox(req);
      sendJson(res, 200, {
        value: [...m.calendars.values()].map((c) => ({
          id: c.id,
          name: c.name,
          isDefault: c.isDefault,
          events: [...m.events.values()].filter((e) => e.calendarId === c.id).length,
        })),
      });
    }),
    route('GET', '/events', 'events', (req, res) =>
      sendJson(res, 200, { value: [...mailbox(req).events.values()].map(eventMeta) }),
    ),
    route('GET', '/events/:id', 'event', (req, res) =>
      sendJson(res, 200, eventMeta(event(mailbox(req), req.params['id'] ?? ''))),
    ),
    ...common,
    // Bodies are Graph event JSON (subject, start/end dateTimeTimeZone, recurrence, showAs, ...).
    route('POST', '/events', 'add', async (req, res) => {
      const m = mailbox(req);
      const body = await readJson(req.raw, inspectBadRequest);
      const e = asInspect(() => svc.createEvent(m, m.defaultCalendarId, parseEventInput(body), 'inspect'));
      sendJson(res, 201, eventMeta(e));
    }),
    route('PATCH', '/events/:id', 'change', async (req, res) => {
      const m = mailbox(req);
      const body = await readJson(req.raw, inspectBadRequest);
      const inst = asInspect(() => svc.instance(m, req.params['id'] ?? ''));
      asInspect(() => svc.updateInstance(m, inst, parseEventInput(body), 'inspect'));
      sendJson(res, 200, eventMeta(inst.event));
    }),
    route('DELETE', '/events/:id', 'delete', (req, res) => {
      const m = mailbox(req);
      const inst = asInspect(() => svc.instance(m, req.params['id'] ?? ''));
      svc.deleteInstance(m, inst, 'inspect');
      sendJson(res, 200, { deleted: inst.id });
    }),
  ];
}
