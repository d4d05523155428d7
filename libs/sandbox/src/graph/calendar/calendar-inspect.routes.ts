import { createHash } from 'node:crypto';
import { readJson } from '../../http/body';
import { sendJson } from '../../http/respond';
import type { Route } from '../../http/route';
import type { SandboxRequest } from '../../http/sandbox-request';
import { VendorError } from '../../http/vendor-error';
import { inspectError } from '../../http/vendor-errors';
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

/** Rethrows a Graph error (validation, not found) in the inspection API's plain shape. */
function asInspect<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof VendorError) throw inspectError(e.status, JSON.stringify(e.body));
    throw e;
  }
}

/** `/_sandbox/microsoft/calendar/:user/...`: read back what landed, and change a calendar between passes. */
export function calendarInspectRoutes(svc: CalendarService): Route[] {
  const invalid = (m: string) => inspectError(400, m);
  const mailbox = (req: SandboxRequest): CalendarMailbox => {
    const key = req.params['user'] ?? '';
    for (const tenant of svc.ctx.directory.microsoft.values()) {
      const user = svc.ctx.directory.microsoftUser(tenant, key);
      if (user) return svc.mailboxOf(tenant, user);
    }
    throw inspectError(404, 'no such Microsoft user');
  };
  const event = (m: CalendarMailbox, id: string): StoredEvent => {
    const e = m.events.get(id);
    if (!e) throw inspectError(404, 'no such event');
    return e;
  };
  const route = (method: string, pattern: string, operation: string, handler: Route['handler']): Route => ({
    vendor: 'inspect',
    method,
    pattern: `/_sandbox/microsoft/calendar/:user${pattern}`,
    operation: `inspect.calendar.${operation}`,
    handler,
  });
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
    route('GET', '/mutations', 'mutations', (req, res) =>
      sendJson(res, 200, { value: mailbox(req).mutations }),
    ),
    // Expires every delta token of the mailbox: the next delta round answers 410 syncStateNotFound.
    route('POST', '/expire-delta', 'expire-delta', (req, res) => {
      const m = mailbox(req);
      m.deltaEpoch++;
      sendJson(res, 200, { deltaEpoch: m.deltaEpoch });
    }),
    // Bodies are Graph event JSON (subject, start/end dateTimeTimeZone, recurrence, showAs, ...).
    route('POST', '/events', 'add', async (req, res) => {
      const m = mailbox(req);
      const body = await readJson(req.raw, invalid);
      const e = asInspect(() => svc.createEvent(m, m.defaultCalendarId, parseEventInput(body), 'inspect'));
      sendJson(res, 201, eventMeta(e));
    }),
    route('PATCH', '/events/:id', 'change', async (req, res) => {
      const m = mailbox(req);
      const body = await readJson(req.raw, invalid);
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
