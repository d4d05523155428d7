import { sendEmpty, sendJson } from '../../http/respond';
import type { Route } from '../../http/route';
import type { SandboxRequest } from '../../http/sandbox-request';
import { graphError } from '../../http/vendor-errors';
import { graphPage } from '../odata';
import {
  CALENDAR_READ,
  CALENDAR_WRITE,
  MAILBOX_BASES,
  contextUser,
  mailboxRoute,
  outputZone,
  readEventBody,
} from './calendar-http';
import type { CalendarService } from './calendar.service';
import { type CalendarMailbox, utcOf } from './calendar.store';
import { parseEventInput } from './event-input';
import { eventJson, masterInstance } from './event-json';
import type { Instance } from './occurrences';

/** `$filter`/`$search` on events are not emulated: refuse loudly rather than return unfiltered data. */
export function refuseUnsupportedQuery(req: SandboxRequest): void {
  for (const p of ['$filter', '$search', '$expand']) {
    if (req.query.has(p))
      throw graphError(400, 'BadRequest', `The sandbox does not emulate '${p}' on this resource.`);
  }
}

/** `$orderby=start/dateTime [asc|desc]` (the ordering calendar clients ask for); otherwise store order. */
export function orderInstances(list: Instance[], req: SandboxRequest): Instance[] {
  const raw = req.query.get('$orderby');
  if (raw === null) return list;
  const [prop = '', dir = 'asc'] = raw.trim().split(/\s+/);
  const key: Record<string, (i: Instance) => number> = {
    'start/dateTime': (i) => i.startUtc,
    'end/dateTime': (i) => i.endUtc,
    lastModifiedDateTime: (i) => i.modifiedMs,
    createdDateTime: (i) => i.event.createdMs,
  };
  const f = key[prop];
  if (!f)
    throw graphError(400, 'BadRequest', `The sandbox does not emulate ordering by '${prop.slice(0, 50)}'.`);
  const sign = dir.toLowerCase() === 'desc' ? -1 : 1;
  return [...list].sort((a, b) => sign * (f(a) - f(b)));
}

/** Event CRUD on the default calendar (`/events`, `/calendar/events`) and any calendar (`/calendars/:calendar/events`). */
export function eventRoutes(svc: CalendarService): Route[] {
  const origin = () => svc.ctx.origin();
  const calendarOf = (req: SandboxRequest, m: CalendarMailbox) => svc.calendar(m, req.params['calendar']);
  const routes: Route[] = [];

  const list = (req: SandboxRequest, res: Parameters<Route['handler']>[1]) => {
    refuseUnsupportedQuery(req);
    const m = svc.mailbox(req);
    const cal = calendarOf(req, m);
    const out = outputZone(req);
    const items = orderInstances(
      [...m.events.values()]
        .filter((e) => e.calendarId === cal.id)
        .map((e) => masterInstance(e, utcOf(e.start), utcOf(e.end))),
      req,
    ).map((i) => eventJson(i, out.zone, origin()));
    sendJson(
      res,
      200,
      graphPage(items, req, origin(), {
        defaultTop: 10,
        maxTop: 1000,
        context: `${contextUser(req, m.userId)}/events`,
      }),
      out.headers,
    );
  };

  const create = async (req: SandboxRequest, res: Parameters<Route['handler']>[1]) => {
    const m = svc.mailbox(req);
    const cal = calendarOf(req, m);
    const event = svc.createEvent(m, cal.id, parseEventInput(await readEventBody(req)), 'api');
    const out = outputZone(req);
    sendJson(
      res,
      201,
      {
        '@odata.context': `${origin()}/v1.0/$metadata#${contextUser(req, m.userId)}/events/$entity`,
        ...eventJson(masterInstance(event, utcOf(event.start), utcOf(event.end)), out.zone, origin()),
      },
      out.headers,
    );
  };

  const get = (anyCalendar: boolean) => (req: SandboxRequest, res: Parameters<Route['handler']>[1]) => {
    const m = svc.mailbox(req);
    const inst = target(req, m, anyCalendar);
    const out = outputZone(req);
    sendJson(
      res,
      200,
      {
        '@odata.context': `${origin()}/v1.0/$metadata#${contextUser(req, m.userId)}/events/$entity`,
        ...selectEvent(eventJson(inst, out.zone, origin()), req),
      },
      out.headers,
    );
  };

  // `/events/{id}` reaches an event in any calendar; `/calendar/events/{id}` only the default one.
  const target = (req: SandboxRequest, m: CalendarMailbox, anyCalendar: boolean) =>
    svc.instance(m, req.params['id'] ?? '', anyCalendar ? undefined : calendarOf(req, m).id);

  const update =
    (anyCalendar: boolean) => async (req: SandboxRequest, res: Parameters<Route['handler']>[1]) => {
      const m = svc.mailbox(req);
      const inst = target(req, m, anyCalendar);
      svc.updateInstance(m, inst, parseEventInput(await readEventBody(req)), 'api');
      const out = outputZone(req);
      sendJson(
        res,
        200,
        {
          '@odata.context': `${origin()}/v1.0/$metadata#${contextUser(req, m.userId)}/events/$entity`,
          ...eventJson(svc.instance(m, inst.id), out.zone, origin()),
        },
        out.headers,
      );
    };

  const remove = (anyCalendar: boolean) => (req: SandboxRequest, res: Parameters<Route['handler']>[1]) => {
    const m = svc.mailbox(req);
    svc.deleteInstance(m, target(req, m, anyCalendar), 'api');
    sendEmpty(res, 204);
  };

  for (const base of MAILBOX_BASES) {
    for (const coll of [`${base}/events`, `${base}/calendar/events`, `${base}/calendars/:calendar/events`]) {
      const op = coll.endsWith(':calendar/events') ? 'graph.calendars.events' : 'graph.events';
      const anyCalendar = coll === `${base}/events`;
      routes.push(
        mailboxRoute(svc, 'GET', coll, `${op}.list`, CALENDAR_READ, list),
        mailboxRoute(svc, 'POST', coll, `${op}.create`, CALENDAR_WRITE, create),
        mailboxRoute(svc, 'GET', `${coll}/:id`, `${op}.get`, CALENDAR_READ, get(anyCalendar)),
        mailboxRoute(svc, 'PATCH', `${coll}/:id`, `${op}.update`, CALENDAR_WRITE, update(anyCalendar)),
        mailboxRoute(svc, 'DELETE', `${coll}/:id`, `${op}.delete`, CALENDAR_WRITE, remove(anyCalendar)),
      );
    }
  }
  return routes;
}

/** `$select` on one event (ids and annotations are always kept). */
export function selectEvent(json: Record<string, unknown>, req: SandboxRequest): Record<string, unknown> {
  const raw = req.query.get('$select');
  if (!raw) return json;
  const wanted = new Set(raw.split(',').map((s) => s.trim()));
  return Object.fromEntries(
    Object.entries(json).filter(([k]) => k === 'id' || k.startsWith('@odata.') || wanted.has(k)),
  );
}
