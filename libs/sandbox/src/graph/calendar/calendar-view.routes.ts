import { sendJson } from '../../http/respond';
import type { Route } from '../../http/route';
import type { SandboxRequest } from '../../http/sandbox-request';
import { graphError } from '../../http/vendor-errors';
import { graphPage } from '../odata';
import { CALENDAR_READ, MAILBOX_BASES, contextUser, mailboxRoute, outputZone } from './calendar-http';
import type { CalendarService } from './calendar.service';
import { eventJson } from './event-json';
import { orderInstances, refuseUnsupportedQuery } from './events.routes';
import { type Instance, instancesBetween } from './occurrences';
import { parseIsoInstant } from './time-zones';

/** Longest window the sandbox expands (Graph documents none; this bounds the work per request). */
const MAX_WINDOW_MS = 10 * 366 * 86_400_000;

/** calendarView's required window; Outlook's wording when it is missing or unreadable. */
export function viewWindow(req: SandboxRequest): { fromUtc: number; toUtc: number } {
  const get = (name: string) => req.query.get(name) ?? req.query.get(name.toLowerCase());
  const s = get('startDateTime');
  const e = get('endDateTime');
  if (s === null || e === null)
    throw graphError(
      400,
      'ErrorInvalidParameter',
      'This request requires a time window specified by the query string parameters StartDateTime and EndDateTime.',
    );
  const fromUtc = parseIsoInstant(s);
  if (fromUtc === undefined)
    throw graphError(
      400,
      'ErrorInvalidParameter',
      `The value '${s.slice(0, 50)}' of parameter 'StartDateTime' is invalid.`,
    );
  const toUtc = parseIsoInstant(e);
  if (toUtc === undefined)
    throw graphError(
      400,
      'ErrorInvalidParameter',
      `The value '${e.slice(0, 50)}' of parameter 'EndDateTime' is invalid.`,
    );
  if (toUtc - fromUtc > MAX_WINDOW_MS)
    throw graphError(400, 'ErrorInvalidParameter', 'The time window is too large.');
  return { fromUtc, toUtc };
}

/** `/calendarView` (recurrences expanded into occurrences and exceptions) and `/events/:id/instances`. */
export function calendarViewRoutes(svc: CalendarService): Route[] {
  const origin = () => svc.ctx.origin();
  const routes: Route[] = [];
  const page = (
    req: SandboxRequest,
    res: Parameters<Route['handler']>[1],
    instances: Instance[],
    userId: string,
    what: string,
  ) => {
    const out = outputZone(req);
    const sorted = req.query.has('$orderby')
      ? orderInstances(instances, req)
      : [...instances].sort((a, b) => a.startUtc - b.startUtc || a.id.localeCompare(b.id));
    const items = sorted.map((i) => eventJson(i, out.zone, origin()));
    sendJson(
      res,
      200,
      graphPage(items, req, origin(), {
        defaultTop: 10,
        maxTop: 1000,
        context: `${contextUser(req, userId)}/${what}`,
      }),
      out.headers,
    );
  };
  for (const base of MAILBOX_BASES) {
    for (const view of [
      `${base}/calendarView`,
      `${base}/calendar/calendarView`,
      `${base}/calendars/:calendar/calendarView`,
    ]) {
      routes.push(
        mailboxRoute(svc, 'GET', view, 'graph.calendarView.list', CALENDAR_READ, (req, res) => {
          refuseUnsupportedQuery(req);
          const m = svc.mailbox(req);
          const cal = svc.calendar(m, req.params['calendar']);
          const { fromUtc, toUtc } = viewWindow(req);
          const instances = [...m.events.values()]
            .filter((e) => e.calendarId === cal.id && !e.isCancelled)
            .flatMap((e) => instancesBetween(e, fromUtc, toUtc));
          page(req, res, instances, m.userId, 'events');
        }),
      );
    }
    routes.push(
      mailboxRoute(
        svc,
        'GET',
        `${base}/events/:id/instances`,
        'graph.events.instances',
        CALENDAR_READ,
        (req, res) => {
          refuseUnsupportedQuery(req);
          const m = svc.mailbox(req);
          const e = svc.event(m, req.params['id'] ?? '');
          const { fromUtc, toUtc } = viewWindow(req);
          page(req, res, instancesBetween(e, fromUtc, toUtc), m.userId, 'events');
        },
      ),
    );
  }
  return routes;
}
