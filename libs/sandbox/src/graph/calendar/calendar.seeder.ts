import { Rng, seededExchangeId, seededGuid } from '../../scenario/deterministic';
import type { MicrosoftTenant, MicrosoftUser } from '../../state/directory';
import type { CalendarMailbox, EventFields, StoredEvent } from './calendar.store';
import type { CalendarScenario } from './calendar-scenario.schema';
import { dayNumber, type Recurrence } from './recurrence';

/** Zones seeded events and users' working hours spread over, so conversions are exercised. */
export const SEED_ZONES = [
  'W. Europe Standard Time',
  'Pacific Standard Time',
  'Tokyo Standard Time',
  'UTC',
] as const;
const SUBJECTS = [
  'Weekly sync',
  'Budget review',
  'Customer call',
  'Design critique',
  '1:1',
  'Quarterly planning',
  'Offsite',
  'Interview loop',
  'Lunch & learn',
  'Incident retro',
];
const PLACES = ['Room 4.01', 'Teams', 'Café Zürich', 'HQ Atrium', '', 'Building 9 / Lobby'];
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** A fresh mailbox with its default calendar; Mon-Fri 08:00-17:00 working hours in the user's zone. */
export function emptyMailbox(
  seed: string,
  tenant: MicrosoftTenant,
  user: MicrosoftUser,
  index: number,
): CalendarMailbox {
  const defaultCalendarId = seededExchangeId(`${seed}/cal/${tenant.tenantId}/${user.id}/calendar`);
  const mailbox: CalendarMailbox = {
    tenantId: tenant.tenantId,
    userId: user.id,
    owner: { name: user.displayName, address: user.mail },
    calendars: new Map(),
    events: new Map(),
    defaultCalendarId,
    workingHours: {
      daysOfWeek: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'],
      startTime: '08:00:00.0000000',
      endTime: '17:00:00.0000000',
      timeZone: SEED_ZONES[index % SEED_ZONES.length] ?? 'UTC',
    },
    mutations: [],
    changeSeq: 0,
    tombstones: [],
    deltaEpoch: 1,
    staleBefore: 0,
  };
  mailbox.calendars.set(defaultCalendarId, {
    id: defaultCalendarId,
    name: 'Calendar',
    color: 'auto',
    isDefault: true,
    changeKey: seededGuid(`${defaultCalendarId}/ck`).slice(0, 8),
  });
  return mailbox;
}

/**
 * Seeds `eventsPerUser` events: a repeating mix of single timed events, all-day events, and daily
 * (numbered), weekly (end date, one cancelled occurrence) and absoluteMonthly (no end, one moved
 * occurrence) series, each in one of SEED_ZONES, laid out over four weeks from `anchorDate`.
 */
export function seedCalendar(
  seed: string,
  mailbox: CalendarMailbox,
  tenant: MicrosoftTenant,
  spec: CalendarScenario,
): void {
  const anchor = dayNumber(spec.anchorDate) ?? 0;
  const colleagues = [...tenant.users.values()].filter((u) => u.id !== mailbox.userId);
  // One generator per mailbox (not per event) keeps seeding cheap; order makes it deterministic.
  const rng = new Rng(`${seed}/cal/${tenant.tenantId}/${mailbox.userId}/events`);
  const hex = (n: number): string => Array.from({ length: n }, () => rng.int(0, 15).toString(16)).join('');
  const createdBase = anchor * DAY_MS - 14 * DAY_MS;
  for (let i = 0; i < spec.eventsPerUser; i++) {
    const path = `${seed}/cal/${tenant.tenantId}/${mailbox.userId}/event/${i}`;
    const zone = SEED_ZONES[i % SEED_ZONES.length] ?? 'UTC';
    const kind = i % 6;
    const day = anchor + rng.int(0, 27);
    const hour = rng.int(8, 16);
    const allDay = kind === 1;
    const startLocal = day * DAY_MS + (allDay ? 0 : hour * HOUR_MS + (rng.chance(0.5) ? 30 * 60_000 : 0));
    const endLocal = allDay
      ? startLocal + rng.int(1, 2) * DAY_MS
      : startLocal + rng.pick([30, 60, 90]) * 60_000;
    const date = new Date(day * DAY_MS).toISOString().slice(0, 10);
    let recurrence: Recurrence | null = null;
    const weekday = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;
    if (kind === 2)
      recurrence = {
        pattern: {
          type: 'daily',
          interval: 1,
          month: 0,
          dayOfMonth: 0,
          daysOfWeek: [],
          firstDayOfWeek: 'sunday',
          index: 'first',
        },
        range: {
          type: 'numbered',
          startDate: date,
          endDate: '0001-01-01',
          recurrenceTimeZone: zone,
          numberOfOccurrences: 5,
        },
      };
    if (kind === 3) {
      const endDate = new Date((day + 55) * DAY_MS).toISOString().slice(0, 10);
      const wd = weekday[new Date(day * DAY_MS).getUTCDay()] ?? 'monday';
      recurrence = {
        pattern: {
          type: 'weekly',
          interval: 1,
          month: 0,
          dayOfMonth: 0,
          daysOfWeek: [wd],
          firstDayOfWeek: 'sunday',
          index: 'first',
        },
        range: {
          type: 'endDate',
          startDate: date,
          endDate,
          recurrenceTimeZone: zone,
          numberOfOccurrences: 0,
        },
      };
    }
    if (kind === 4)
      recurrence = {
        pattern: {
          type: 'absoluteMonthly',
          interval: 1,
          month: 0,
          dayOfMonth: new Date(day * DAY_MS).getUTCDate(),
          daysOfWeek: [],
          firstDayOfWeek: 'sunday',
          index: 'first',
        },
        range: {
          type: 'noEnd',
          startDate: date,
          endDate: '0001-01-01',
          recurrenceTimeZone: zone,
          numberOfOccurrences: 0,
        },
      };
    const others = colleagues.filter(() => rng.chance(0.3)).slice(0, 4);
    const fields: EventFields = {
      subject: `${rng.pick(SUBJECTS)} #${i + 1}`,
      body: { contentType: 'html', content: `<html><body><p>Agenda for item ${i + 1}.</p></body></html>` },
      start: { localMs: startLocal, zone },
      end: { localMs: endLocal, zone },
      isAllDay: allDay,
      showAs: allDay
        ? 'free'
        : kind === 5
          ? rng.pick(['tentative', 'oof', 'workingElsewhere'] as const)
          : 'busy',
      sensitivity: rng.chance(0.1) ? 'private' : 'normal',
      importance: 'normal',
      location: rng.pick(PLACES),
      categories: rng.chance(0.3) ? ['Blue category'] : [],
      isReminderOn: !allDay,
      reminderMinutesBeforeStart: allDay ? 1080 : 15,
      attendees: others.map((u) => ({
        type: 'required' as const,
        emailAddress: { name: u.displayName, address: u.mail },
        status: { response: 'none', time: '0001-01-01T00:00:00Z' },
      })),
    };
    const id = seededExchangeId(path);
    const created = createdBase + i * 60_000;
    const event: StoredEvent = {
      ...fields,
      id,
      calendarId: mailbox.defaultCalendarId,
      iCalUId: `040000008200E00074C5B7101A82E008${hex(32).toUpperCase()}`,
      createdMs: created,
      modifiedMs: created,
      changeKey: hex(16),
      isCancelled: false,
      organizer: { ...mailbox.owner },
      transactionId: null,
      recurrence,
      cancelled: new Set(),
      exceptions: new Map(),
      seq: 0,
    };
    if (kind === 3) event.cancelled.add(new Date((day + 14) * DAY_MS).toISOString().slice(0, 10));
    if (kind === 4) {
      // The second occurrence moved an hour later with a new subject: an exception.
      const first = new Date(day * DAY_MS);
      const second = Date.UTC(
        first.getUTCFullYear(),
        first.getUTCMonth() + 1,
        Math.min(
          first.getUTCDate(),
          new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 2, 0)).getUTCDate(),
        ),
      );
      const secondDate = new Date(second).toISOString().slice(0, 10);
      const shift = second - day * DAY_MS;
      event.exceptions.set(secondDate, {
        ...fields,
        subject: `${fields.subject} (moved)`,
        start: { localMs: startLocal + shift + HOUR_MS, zone },
        end: { localMs: endLocal + shift + HOUR_MS, zone },
        modifiedMs: created,
        changeKey: `${event.changeKey}x`,
      });
    }
    mailbox.events.set(id, event);
  }
}
