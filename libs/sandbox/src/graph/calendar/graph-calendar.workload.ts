import type { SandboxContext, WorkloadFactory } from '../../sandbox-context';
import { parseCalendarScenario } from './calendar-scenario.schema';
import { calendarDeltaRoutes } from './calendar-delta.routes';
import { calendarInspectRoutes } from './calendar-inspect.routes';
import { emptyMailbox, seedCalendar } from './calendar.seeder';
import { CalendarService } from './calendar.service';
import { calendarViewRoutes } from './calendar-view.routes';
import { calendarRoutes } from './calendars.routes';
import { eventRoutes } from './events.routes';
import { scheduleRoutes } from './schedule.routes';

/**
 * Outlook calendars through Graph: calendars, events (single, all-day, recurring with cancelled and
 * modified occurrences) in any time zone, calendarView expansion and getSchedule free/busy.
 */
export const graphCalendarWorkload: WorkloadFactory = (ctx: SandboxContext) => {
  const svc = new CalendarService(ctx);
  return {
    name: 'graph-calendar',
    seed: () => {
      ctx.scenario.microsoft.tenants.forEach((spec, i) => {
        const section = parseCalendarScenario(
          spec.workloads['calendar'],
          `microsoft.tenants[${i}].workloads.calendar`,
        );
        const tenant = ctx.directory.microsoftTenant(spec.domain);
        if (!tenant) return;
        [...tenant.users.values()].forEach((user, u) => {
          const mailbox = emptyMailbox(ctx.scenario.seed, tenant, user, u);
          seedCalendar(ctx.scenario.seed, mailbox, tenant, section);
          svc.store.set(mailbox);
        });
      });
    },
    routes: () => [
      ...calendarRoutes(svc),
      ...scheduleRoutes(svc),
      ...calendarDeltaRoutes(svc),
      ...calendarViewRoutes(svc),
      ...eventRoutes(svc),
      ...calendarInspectRoutes(svc),
    ],
    summary: () => {
      let mailboxes = 0;
      let events = 0;
      let calendars = 0;
      for (const m of svc.store.all()) {
        mailboxes++;
        events += m.events.size;
        calendars += m.calendars.size;
      }
      return { mailboxes, calendars, events };
    },
  };
};
