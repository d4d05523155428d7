import { randomBytes } from 'node:crypto';
import type { calendar_v3 } from 'googleapis';

/**
 * An event as the sandbox keeps it: the client-visible fields (`data`, without the computed
 * `kind`/`etag`/`created`/`updated`/`htmlLink`) and bookkeeping for incremental sync.
 */
export interface StoredEvent {
  readonly id: string;
  data: calendar_v3.Schema$Event;
  readonly createdMs: number;
  updatedMs: number;
  /** The calendar's change counter when this event last changed; sync tokens compare against it. */
  changeSeq: number;
}

export interface StoredCalendar {
  readonly id: string;
  readonly owner: string;
  readonly primary: boolean;
  summary: string;
  description?: string;
  location?: string;
  timeZone: string;
  readonly events: Map<string, StoredEvent>;
  changeSeq: number;
}

export interface UserCalendars {
  readonly email: string;
  readonly customerId: string;
  readonly calendars: Map<string, StoredCalendar>;
  /** Bumped to invalidate every sync token issued for this user's calendars. */
  syncEpoch: number;
}

/** Google event ids are base32hex (a-v, 0-9), 5-1024 characters. */
export const EVENT_ID = /^[a-v0-9]{5,1024}$/;

export function newEventId(): string {
  const alphabet = '0123456789abcdefghijklmnopqrstuv';
  return [...randomBytes(26)].map((b) => alphabet[b % 32]).join('');
}

/** Every Google user's calendars, keyed by lower-cased email; calendar ids are unique across users. */
export class CalendarStore {
  readonly users = new Map<string, UserCalendars>();
  private readonly byId = new Map<string, StoredCalendar>();

  user(email: string): UserCalendars | undefined {
    return this.users.get(email.toLowerCase());
  }

  addUser(email: string, customerId: string, timeZone: string): UserCalendars {
    const u: UserCalendars = { email, customerId, calendars: new Map(), syncEpoch: 0 };
    this.users.set(email.toLowerCase(), u);
    this.addCalendar(u, { id: email, owner: email, primary: true, summary: email, timeZone, events: new Map(), changeSeq: 0 });
    return u;
  }

  addCalendar(user: UserCalendars, calendar: StoredCalendar): void {
    user.calendars.set(calendar.id.toLowerCase(), calendar);
    this.byId.set(calendar.id.toLowerCase(), calendar);
  }

  calendar(id: string): StoredCalendar | undefined {
    return this.byId.get(id.toLowerCase());
  }

  /** Records a change: bumps the calendar's counter and stamps the event. */
  touch(calendar: StoredCalendar, event: StoredEvent, now: number): void {
    calendar.changeSeq++;
    event.changeSeq = calendar.changeSeq;
    event.updatedMs = Math.max(now, event.updatedMs + 1);
  }

  put(calendar: StoredCalendar, id: string, data: calendar_v3.Schema$Event, now: number): StoredEvent {
    const existing = calendar.events.get(id);
    const event: StoredEvent = existing ?? { id, data, createdMs: now, updatedMs: now, changeSeq: 0 };
    event.data = data;
    calendar.events.set(id, event);
    this.touch(calendar, event, now);
    return event;
  }
}
