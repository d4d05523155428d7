import type { WorkloadFactory } from '../../sandbox-context';
import { calendarInspectRoutes } from './calendar-inspect.routes';
import { CalendarStore } from './calendar.store';
import { seedCalendars } from './calendar.seeder';
import { calendarsRoutes } from './calendars.routes';
import { eventsReadRoutes } from './events-read.routes';
import { eventsWriteRoutes } from './events-write.routes';
import { freeBusyRoutes } from './freebusy.routes';

/**
 * Google Calendar API v3: calendar list, calendars, events (with recurrence expansion and
 * incremental sync) and free/busy, seeded from each Google tenant's `calendar` section.
 */
export const googleCalendarWorkload: WorkloadFactory = (ctx) => {
  const store = new CalendarStore();
  return {
    name: 'google-calendar',
    routes: () => [...calendarInspectRoutes(ctx, store), ...freeBusyRoutes(ctx, store), ...calendarsRoutes(store), ...eventsWriteRoutes(ctx, store), ...eventsReadRoutes(ctx, store)],
    seed: () => seedCalendars(ctx, store),
    summary: () => {
      let calendars = 0;
      let events = 0;
      let recurring = 0;
      let exceptions = 0;
      let cancelled = 0;
      for (const u of store.users.values()) {
        for (const c of u.calendars.values()) {
          calendars++;
          for (const e of c.events.values()) {
            if (e.data.status === 'cancelled') cancelled++;
            else if (e.data.recurringEventId) exceptions++;
            else if (e.data.recurrence?.length) recurring++;
            else events++;
          }
        }
      }
      return { users: store.users.size, calendars, events, recurring, exceptions, cancelled };
    },
  };
};
