import { isRecord } from '../../http/body';
import { sendJson } from '../../http/respond';
import type { Route } from '../../http/route';
import type { SandboxRequest } from '../../http/sandbox-request';
import type { VendorError } from '../../http/vendor-error';
import { graphError } from '../../http/vendor-errors';
import type { AuthRequirement } from '../../identity/principal';
import { callerTenant } from '../directory/graph-users';
import { MAILBOX_BASES, OUTLOOK_DENIED, mailboxRoute, outputZone, readEventBody } from './calendar-http';
import type { CalendarService } from './calendar.service';
import { parseDateTimeTimeZone } from './event-input';
import { availabilityView } from './free-busy';
import { instancesBetween } from './occurrences';
import { toDateTimeTimeZone } from './time-zones';
import { utcOf } from './calendar.store';

// learn.microsoft.com/graph/api/calendar-getschedule: Calendars.ReadBasic is enough for free/busy.
const SCHEDULE_AUTH: AuthRequirement = {
  kind: 'graph',
  application: ['Calendars.ReadBasic', 'Calendars.Read', 'Calendars.ReadWrite'],
  delegated: ['Calendars.ReadBasic', 'Calendars.Read', 'Calendars.ReadWrite'],
  denied: OUTLOOK_DENIED,
};
/** Exchange's availability service answers at most 62 days and 100 mailboxes per request. */
const MAX_DAYS = 62;
const MAX_SCHEDULES = 100;

const invalidParameter = (m: string): VendorError => graphError(400, 'ErrorInvalidParameter', m);

interface ScheduleQuery {
  readonly schedules: readonly string[];
  readonly fromUtc: number;
  readonly toUtc: number;
  readonly interval: number;
}

function parseQuery(body: unknown): ScheduleQuery {
  if (!isRecord(body)) throw graphError(400, 'UnableToDeserializePostBody', 'were unable to deserialize ');
  // Graph binds action parameters case-insensitively (the docs' own example sends "Schedules").
  const get = (name: string): unknown =>
    Object.entries(body).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
  const schedules = get('schedules');
  if (!Array.isArray(schedules) || schedules.length === 0 || !schedules.every((s) => typeof s === 'string'))
    throw invalidParameter("The parameter 'schedules' must be a non-empty collection of SMTP addresses.");
  if (schedules.length > MAX_SCHEDULES)
    throw invalidParameter(`At most ${MAX_SCHEDULES} schedules can be requested at once.`);
  const startTime = get('startTime');
  const endTime = get('endTime');
  if (startTime === undefined || endTime === undefined)
    throw invalidParameter("The parameters 'startTime' and 'endTime' are required.");
  const fromUtc = utcOf(parseDateTimeTimeZone(startTime));
  const toUtc = utcOf(parseDateTimeTimeZone(endTime));
  if (toUtc <= fromUtc) throw invalidParameter('The end time must be later than the start time.');
  if (toUtc - fromUtc > MAX_DAYS * 86_400_000)
    throw invalidParameter(`The requested time window exceeds the maximum of ${MAX_DAYS} days.`);
  const rawInterval = get('availabilityViewInterval');
  // The docs' examples send the interval as a string ("15"); both forms are accepted.
  const interval = rawInterval === undefined || rawInterval === null ? 30 : Number(rawInterval);
  if (!Number.isInteger(interval) || interval < 5 || interval > 1440)
    throw invalidParameter('The availabilityViewInterval must be between 5 and 1440 minutes.');
  return { schedules, fromUtc, toUtc, interval };
}

/**
 * `POST /calendar/getSchedule`: free/busy computed live from each mailbox's default calendar,
 * recurrences expanded, cancelled events and free time left out of the items. Addresses that do
 * not resolve to a user of the caller's tenant get an error entry, not a failed request.
 */
export function scheduleRoutes(svc: CalendarService): Route[] {
  const handler = async (req: SandboxRequest, res: Parameters<Route['handler']>[1]) => {
    svc.mailbox(req);
    const tenant = callerTenant(svc.ctx, req);
    const q = parseQuery(await readEventBody(req));
    const out = outputZone(req);
    const value = q.schedules.map((address) => {
      const needle = address.trim().toLowerCase();
      const user = [...tenant.users.values()].find(
        (u) => u.mail.toLowerCase() === needle || u.userPrincipalName.toLowerCase() === needle,
      );
      if (!user) {
        return {
          scheduleId: address,
          availabilityView: '',
          scheduleItems: [],
          error: {
            message: 'The specified recipient could not be found.',
            responseCode: 'ErrorMailRecipientNotFound',
          },
        };
      }
      const m = svc.mailboxOf(tenant, user);
      const instances = [...m.events.values()]
        .filter((e) => e.calendarId === m.defaultCalendarId && !e.isCancelled)
        .flatMap((e) => instancesBetween(e, q.fromUtc, q.toUtc))
        .filter((i) => i.fields.showAs !== 'free' && i.fields.showAs !== 'unknown')
        .sort((a, b) => a.startUtc - b.startUtc);
      const isPrivate = (s: string) => s === 'private' || s === 'confidential';
      return {
        scheduleId: address,
        availabilityView: availabilityView(
          instances.map((i) => ({ startUtc: i.startUtc, endUtc: i.endUtc, status: i.fields.showAs })),
          q.fromUtc,
          q.toUtc,
          q.interval,
        ),
        scheduleItems: instances.map((i) => {
          const priv = isPrivate(i.fields.sensitivity);
          // Private items show only their time and status to others, as Outlook's free/busy does.
          return {
            isPrivate: priv,
            status: i.fields.showAs,
            ...(priv ? {} : { subject: i.fields.subject, location: i.fields.location }),
            start: toDateTimeTimeZone(i.startUtc, out.zone),
            end: toDateTimeTimeZone(i.endUtc, out.zone),
          };
        }),
        workingHours: {
          daysOfWeek: [...m.workingHours.daysOfWeek],
          startTime: m.workingHours.startTime,
          endTime: m.workingHours.endTime,
          timeZone: { name: m.workingHours.timeZone },
        },
      };
    });
    sendJson(
      res,
      200,
      {
        '@odata.context': `${svc.ctx.origin()}/v1.0/$metadata#Collection(microsoft.graph.scheduleInformation)`,
        value,
      },
      out.headers,
    );
  };
  // Graph matches paths case-insensitively; clients send both spellings (the guide uses getschedule).
  return MAILBOX_BASES.flatMap((base) =>
    ['getSchedule', 'getschedule'].map((action) =>
      mailboxRoute(
        svc,
        'POST',
        `${base}/calendar/${action}`,
        'graph.calendar.getSchedule',
        SCHEDULE_AUTH,
        handler,
      ),
    ),
  );
}
