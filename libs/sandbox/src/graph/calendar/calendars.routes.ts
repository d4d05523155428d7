import { isRecord } from '../../http/body';
import { sendJson } from '../../http/respond';
import type { Route } from '../../http/route';
import { graphError } from '../../http/vendor-errors';
import { graphPage } from '../odata';
import {
  CALENDAR_READ,
  CALENDAR_WRITE,
  MAILBOX_BASES,
  contextUser,
  mailboxRoute,
  readEventBody,
} from './calendar-http';
import type { CalendarService } from './calendar.service';
import { calendarJson } from './event-json';

const COLORS = [
  'auto',
  'lightBlue',
  'lightGreen',
  'lightOrange',
  'lightGray',
  'lightYellow',
  'lightTeal',
  'lightPink',
  'lightBrown',
  'lightRed',
  'maxColor',
];

/** `/calendars` list and create, `/calendar` (the default) and `/calendars/:calendar`. */
export function calendarRoutes(svc: CalendarService): Route[] {
  const origin = () => svc.ctx.origin();
  const routes: Route[] = [];
  for (const base of MAILBOX_BASES) {
    routes.push(
      mailboxRoute(svc, 'GET', `${base}/calendars`, 'graph.calendars.list', CALENDAR_READ, (req, res) => {
        const m = svc.mailbox(req);
        const items = [...m.calendars.values()].map((c) => calendarJson(c, m));
        sendJson(
          res,
          200,
          graphPage(items, req, origin(), {
            defaultTop: 10,
            maxTop: 1000,
            context: `${contextUser(req, m.userId)}/calendars`,
          }),
        );
      }),
      mailboxRoute(
        svc,
        'POST',
        `${base}/calendars`,
        'graph.calendars.create',
        CALENDAR_WRITE,
        async (req, res) => {
          const m = svc.mailbox(req);
          const body = await readEventBody(req);
          if (!isRecord(body))
            throw graphError(400, 'UnableToDeserializePostBody', 'were unable to deserialize ');
          for (const k of Object.keys(body)) {
            if (!['name', 'color', 'hexColor', '@odata.type'].includes(k))
              throw graphError(
                400,
                'RequestBodyRead',
                `The property '${k.slice(0, 100)}' does not exist on type 'microsoft.graph.calendar'. Make sure to only use property names that are defined by the type or mark the type as open type.`,
              );
          }
          const name = body['name'];
          if (typeof name !== 'string' || name.trim() === '')
            throw graphError(400, 'ErrorInvalidRequest', 'The calendar name must be specified.');
          if ([...m.calendars.values()].some((c) => c.name.toLowerCase() === name.toLowerCase()))
            throw graphError(409, 'ErrorFolderExists', 'A folder with the specified name already exists.');
          const color =
            typeof body['color'] === 'string'
              ? (COLORS.find((c) => c.toLowerCase() === String(body['color']).toLowerCase()) ?? 'auto')
              : 'auto';
          const id = svc.newId(m);
          const cal = { id, name, color, isDefault: false, changeKey: svc.newChangeKey() };
          m.calendars.set(id, cal);
          svc.record(m, 'create', 'calendar', id, 'api');
          sendJson(res, 201, {
            '@odata.context': `${origin()}/v1.0/$metadata#${contextUser(req, m.userId)}/calendars/$entity`,
            ...calendarJson(cal, m),
          });
        },
      ),
      mailboxRoute(svc, 'GET', `${base}/calendar`, 'graph.calendar.get', CALENDAR_READ, (req, res) => {
        const m = svc.mailbox(req);
        sendJson(res, 200, {
          '@odata.context': `${origin()}/v1.0/$metadata#${contextUser(req, m.userId)}/calendar/$entity`,
          ...calendarJson(svc.defaultCalendar(m), m),
        });
      }),
      mailboxRoute(
        svc,
        'GET',
        `${base}/calendars/:calendar`,
        'graph.calendars.get',
        CALENDAR_READ,
        (req, res) => {
          const m = svc.mailbox(req);
          sendJson(res, 200, {
            '@odata.context': `${origin()}/v1.0/$metadata#${contextUser(req, m.userId)}/calendars/$entity`,
            ...calendarJson(svc.calendar(m, req.params['calendar']), m),
          });
        },
      ),
    );
  }
  return routes;
}
