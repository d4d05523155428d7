import { OAuth2Client } from 'google-auth-library';
import { google, type calendar_v3 } from 'googleapis';
import type { Sandbox } from '../../sandbox';
import type { GoogleTenant } from '../../state/directory';
import { googleAccessToken } from '../../testing/google-token';
import type { Shape } from '../../testing/shape';
import { startTestSandbox } from '../../testing/test-sandbox';
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

/** A sandbox with the Calendar workload and two Google tenants, and clients acting as their users. */
export interface CalendarFixture {
  readonly sandbox: Sandbox;
  readonly tenant: GoogleTenant;
  /** Non-admin users of the first tenant, in directory order. */
  readonly users: readonly string[];
  readonly stranger: string;
  calendarAs(subject: string | undefined, scopes?: readonly string[]): Promise<calendar_v3.Calendar>;
  inspect(path: string, init?: RequestInit): Promise<{ status: number; body: unknown }>;
}

export async function startCalendarFixture(eventsPerUser = 8): Promise<CalendarFixture> {
  const sandbox = await startTestSandbox({
    scenario: {
      name: 'calendar',
      throttle: { enabled: false, overrides: [] },
      microsoft: { tenants: [{ domain: 'contoso.example', users: 1 }] },
      google: { tenants: [{ domain: 'fabrikam.example', users: 3, groups: 1, workloads: { calendar: { eventsPerUser } } }, { domain: 'other.example', users: 1, workloads: { calendar: { eventsPerUser: 2 } } }] },
    },
    workloads: [googleCalendarWorkload],
  });
  const tenant = sandbox.context.directory.google.get(sandbox.endpoints.google.customerId);
  const other = [...sandbox.context.directory.google.values()].find((t) => t.domain === 'other.example');
  if (!tenant || !other) throw new Error('tenants not seeded');
  const stranger = [...other.users.values()].find((u) => !u.isAdmin)?.primaryEmail ?? '';
  return {
    sandbox,
    tenant,
    users: [...tenant.users.values()].filter((u) => !u.isAdmin).map((u) => u.primaryEmail),
    stranger,
    calendarAs: async (subject, scopes = [CALENDAR_SCOPE]) => {
      const auth = new OAuth2Client();
      auth.setCredentials({ access_token: await googleAccessToken(sandbox.endpoints, subject, scopes) });
      return google.calendar({ version: 'v3', auth, rootUrl: sandbox.endpoints.googleRoot });
    },
    inspect: async (path, init) => {
      const res = await fetch(`${sandbox.endpoints.inspect}/google/calendar/${path}`, { ...init, headers: { 'content-type': 'application/json', ...(init?.headers ?? {}) } });
      return { status: res.status, body: (await res.json()) };
    },
  };
}
