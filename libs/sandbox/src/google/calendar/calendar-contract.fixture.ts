import { google, type calendar_v3 } from 'googleapis';
import { startGoogleKit, type GoogleKit } from '../../testing/google-test-kit';
import type { Shape } from '../../testing/shape';
import { googleCalendarWorkload } from './google-calendar.workload';

export const CALENDAR_SCOPE = 'https://www.googleapis.com/auth/calendar';

export const EVENT_SHAPE: Shape<calendar_v3.Schema$Event> = {
  kind: 'string', etag: 'string', id: 'string', status: 'string', htmlLink: 'string', created: 'string', updated: 'string', summary: 'string',
  description: 'string', location: 'string', creator: 'object', organizer: 'object', start: 'object', end: 'object', recurrence: 'array',
  recurringEventId: 'string', originalStartTime: 'object', transparency: 'string', visibility: 'string', iCalUID: 'string', sequence: 'number',
  attendees: 'array', reminders: 'object', eventType: 'string', colorId: 'string', extendedProperties: 'object',
};
export const EVENTS_SHAPE: Shape<calendar_v3.Schema$Events> = {
  kind: 'string', etag: 'string', summary: 'string', description: 'string', updated: 'string', timeZone: 'string', accessRole: 'string',
  defaultReminders: 'array', nextPageToken: 'string', nextSyncToken: 'string', items: 'array',
};

/** The Google kit with the Calendar workload; `inspect` paths follow `/_sandbox/google/calendar/`. */
export interface CalendarFixture extends GoogleKit {
  /** A non-admin user of the second tenant, for isolation checks. */
  readonly stranger: string;
  calendarAs(subject: string | undefined, scopes?: readonly string[]): Promise<calendar_v3.Calendar>;
}

export async function startCalendarFixture(eventsPerUser = 8): Promise<CalendarFixture> {
  const kit = await startGoogleKit(
    {
      name: 'calendar',
      throttle: { enabled: false, overrides: [] },
      microsoft: { tenants: [{ domain: 'contoso.example', users: 1 }] },
      google: { tenants: [{ domain: 'fabrikam.example', users: 3, groups: 1, workloads: { calendar: { eventsPerUser } } }, { domain: 'other.example', users: 1, workloads: { calendar: { eventsPerUser: 2 } } }] },
    },
    [googleCalendarWorkload],
    { scopes: [CALENDAR_SCOPE], inspectArea: '/google/calendar/' },
  );
  const other = [...kit.sandbox.context.directory.google.values()].find((t) => t.domain === 'other.example');
  if (!other) throw new Error('tenants not seeded');
  return {
    ...kit,
    stranger: [...other.users.values()].find((u) => !u.isAdmin)?.primaryEmail ?? '',
    calendarAs: async (subject, scopes) => google.calendar({ version: 'v3', auth: await kit.auth(subject, scopes), rootUrl: kit.sandbox.endpoints.googleRoot }),
  };
}
