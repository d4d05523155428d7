import type { calendar_v3 } from 'googleapis';
import { Rng, seededHex } from '../../scenario/deterministic';
import type { SandboxContext } from '../../sandbox-context';
import { parseCalendarScenario } from './calendar-scenario.schema';
import type { CalendarStore, StoredCalendar } from './calendar.store';
import { synthesiseInstances } from './event-resource';
import { formatDate, formatInZone, instantOf, parseDate, wallOf } from './zoned-time';

const ZONES = ['America/New_York', 'Europe/Paris', 'Asia/Tokyo', 'Europe/London', 'America/Los_Angeles', 'Australia/Sydney', 'Asia/Kolkata'];
const TITLES = ['Weekly sync', 'Project review', 'Lunch', '1:1', 'Planning', 'Customer call', 'Offsite', 'Design critique', 'Budget review', 'Standup'];
const RULES = ['RRULE:FREQ=DAILY;COUNT=10', 'RRULE:FREQ=WEEKLY;BYDAY=MO,WE', 'RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=TU', 'RRULE:FREQ=MONTHLY;BYDAY=1TH', 'RRULE:FREQ=MONTHLY;BYMONTHDAY=15;COUNT=12', 'RRULE:FREQ=WEEKLY;BYDAY=FR;COUNT=20'];

/** The compact UTC form RFC 5545 uses in EXDATE and instance ids. */
const icsUtc = (t: number): string => new Date(t).toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '');

/**
 * Seeds every Google user's primary calendar: single timed events, all-day events and recurring
 * series (daily, weekly, monthly; some endless) in several time zones, with an EXDATE and a moved,
 * retitled instance on the first series, some transparent events and some with attendees.
 */
export function seedCalendars(ctx: SandboxContext, store: CalendarStore): void {
  const seed = ctx.scenario.seed;
  ctx.scenario.google.tenants.forEach((spec, index) => {
    const tenant = [...ctx.directory.google.values()].find((t) => t.domain === spec.domain);
    if (!tenant) return;
    const section = parseCalendarScenario(spec.workloads['calendar'], `google.tenants.${index}.workloads`);
    const anchor = parseDate(section.anchor);
    if (!anchor) throw new Error(`invalid sandbox scenario: google.tenants.${index}.workloads.calendar.anchor: not a date`);
    const emails = [...tenant.users.keys()];
    for (const email of emails) {
      const rng = new Rng(`${seed}/g/${index}/calendar/${email}`);
      const zone = rng.pick(ZONES);
      const user = store.addUser(tenant.users.get(email)?.primaryEmail ?? email, tenant.customerId, zone);
      const calendar = user.calendars.get(email);
      if (!calendar) continue;
      const others = emails.filter((e) => e !== email);
      for (let i = 0; i < section.eventsPerUser; i++) seedEvent(store, calendar, rng, i, anchor, others, `${seed}/g/${index}/calendar/${email}/${i}`);
    }
  });
}

function seedEvent(store: CalendarStore, calendar: StoredCalendar, rng: Rng, i: number, anchor: { y: number; mo: number; d: number }, others: readonly string[], path: string): void {
  const kind = i < 5 ? (['single', 'allDay', 'series', 'series', 'series'] as const)[i] : rng.chance(0.55) ? 'single' : rng.chance(0.35) ? 'allDay' : 'series';
  // One event in five is written in another zone than the calendar's, as travellers' events are.
  const zone = rng.chance(0.2) ? rng.pick(ZONES) : calendar.timeZone;
  const day = kind === 'series' ? rng.int(0, 27) : rng.int(0, 364);
  const hour = rng.int(8, 17);
  const minutes = rng.pick([30, 45, 60, 90, 120]);
  const id = seededHex(path, 26);
  const created = Date.UTC(anchor.y, anchor.mo - 1, anchor.d) - 30 * 86_400_000 + i * 60_000;
  const data: calendar_v3.Schema$Event = {
    summary: `${rng.pick(TITLES)} #${i + 1}`,
    iCalUID: `${id}@google.com`,
    sequence: 0,
    organizer: { email: calendar.owner },
    creator: { email: calendar.owner },
  };
  if (kind === 'allDay') {
    const start = Date.UTC(anchor.y, anchor.mo - 1, anchor.d + day);
    data.start = { date: formatDate(wallOf(start, 'UTC')) };
    data.end = { date: formatDate(wallOf(start + rng.int(1, 3) * 86_400_000, 'UTC')) };
    data.transparency = rng.chance(0.5) ? 'transparent' : 'opaque';
  } else {
    const start = instantOf({ y: anchor.y, mo: anchor.mo, d: anchor.d + day, h: hour, mi: 0, s: 0 }, zone);
    data.start = { dateTime: formatInZone(start, zone), timeZone: zone };
    data.end = { dateTime: formatInZone(start + minutes * 60_000, zone), timeZone: zone };
    if (rng.chance(0.1)) data.transparency = 'transparent';
  }
  if (kind === 'series') data.recurrence = [i === 2 ? 'RRULE:FREQ=WEEKLY;BYDAY=MO,WE' : i === 3 ? 'RRULE:FREQ=DAILY;COUNT=10' : i === 4 ? 'RRULE:FREQ=MONTHLY;BYDAY=1TH' : rng.pick(RULES)];
  if (others.length > 0 && rng.chance(0.3)) {
    const invited = new Set(Array.from({ length: rng.int(1, Math.min(3, others.length)) }, () => rng.pick(others)));
    data.attendees = [{ email: calendar.owner, organizer: true, self: true, responseStatus: 'accepted' }, ...[...invited].map((email) => ({ email, responseStatus: rng.pick(['needsAction', 'accepted', 'tentative', 'declined']) }))];
  }
  const master = store.put(calendar, id, data, created);
  if (i !== 2 || !data.start.dateTime) return;
  // The first series gets an EXDATE on its second instance and a moved, retitled third one.
  const [, second, third] = synthesiseInstances(calendar, master, Infinity, 3);
  if (!second || !third) return;
  const secondStart = Date.parse(second.data.start?.dateTime ?? '');
  master.data = { ...data, recurrence: [...(data.recurrence ?? []), `EXDATE:${icsUtc(secondStart)}`] };
  const thirdStart = Date.parse(third.data.start?.dateTime ?? '') + 3_600_000;
  store.put(
    calendar,
    third.id,
    {
      ...third.data,
      summary: `${data.summary ?? ''} (moved)`,
      start: { dateTime: formatInZone(thirdStart, zone), timeZone: zone },
      end: { dateTime: formatInZone(thirdStart + minutes * 60_000, zone), timeZone: zone },
      sequence: 1,
    },
    created + 1000,
  );
}
