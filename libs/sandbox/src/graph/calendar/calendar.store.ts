import type { Recurrence } from './recurrence';
import { ianaZone, localMsToUtc } from './time-zones';

export type FreeBusyStatus = 'free' | 'tentative' | 'busy' | 'oof' | 'workingElsewhere' | 'unknown';

export interface EmailAddress {
  readonly name: string;
  readonly address: string;
}

export interface Attendee {
  readonly type: 'required' | 'optional' | 'resource';
  readonly emailAddress: EmailAddress;
  readonly status: { readonly response: string; readonly time: string };
}

/** A wall-clock time and the zone name the client gave for it (Graph echoes the name back). */
export interface LocalTime {
  readonly localMs: number;
  readonly zone: string;
}

/** The fields an event (or one modified occurrence) carries; occurrences inherit what they do not override. */
export interface EventFields {
  subject: string;
  body: { contentType: 'text' | 'html'; content: string };
  start: LocalTime;
  end: LocalTime;
  isAllDay: boolean;
  showAs: FreeBusyStatus;
  sensitivity: 'normal' | 'personal' | 'private' | 'confidential';
  importance: 'low' | 'normal' | 'high';
  location: string;
  categories: string[];
  isReminderOn: boolean;
  reminderMinutesBeforeStart: number;
  attendees: Attendee[];
}

export interface StoredEvent extends EventFields {
  readonly id: string;
  calendarId: string;
  readonly iCalUId: string;
  readonly createdMs: number;
  modifiedMs: number;
  changeKey: string;
  isCancelled: boolean;
  readonly organizer: EmailAddress;
  transactionId: string | null;
  recurrence: Recurrence | null;
  /** Local dates (`YYYY-MM-DD`, series zone) of deleted occurrences. */
  readonly cancelled: Set<string>;
  /** Modified occurrences by their original local date. */
  readonly exceptions: Map<string, EventFields & { modifiedMs: number; changeKey: string }>;
  /** The mailbox change sequence number of this event's last change (0 for seeded events). */
  seq: number;
}

export interface StoredCalendar {
  readonly id: string;
  name: string;
  color: string;
  readonly isDefault: boolean;
  changeKey: string;
}

export interface WorkingHours {
  readonly daysOfWeek: readonly string[];
  readonly startTime: string;
  readonly endTime: string;
  readonly timeZone: string;
}

export interface CalendarMutation {
  readonly at: string;
  readonly op: 'create' | 'update' | 'delete';
  readonly kind: 'event' | 'calendar' | 'occurrence';
  readonly id: string;
  readonly via: 'api' | 'inspect';
}

/** One user's calendars: what Exchange keeps in the mailbox's calendar folders. */
export interface CalendarMailbox {
  readonly tenantId: string;
  readonly userId: string;
  readonly owner: EmailAddress;
  readonly calendars: Map<string, StoredCalendar>;
  readonly events: Map<string, StoredEvent>;
  readonly defaultCalendarId: string;
  readonly workingHours: WorkingHours;
  readonly mutations: CalendarMutation[];
  /** Delta tracking: bumped on every event change; tombstones keep deleted events for `@removed`. */
  changeSeq: number;
  readonly tombstones: {
    readonly seq: number;
    readonly event: StoredEvent;
    readonly occurrenceId?: string;
  }[];
  /** Delta tokens from another epoch or older than `staleBefore` are expired (inspection can force it). */
  deltaEpoch: number;
  staleBefore: number;
}

/** The instant a local time names; an unknown zone (never stored) reads as UTC. */
export function utcOf(t: LocalTime): number {
  return localMsToUtc(t.localMs, ianaZone(t.zone) ?? 'Etc/UTC');
}

/** Every tenant's calendar mailboxes, created on first use for users the directory knows. */
export class CalendarStore {
  private readonly mailboxes = new Map<string, CalendarMailbox>();

  get(tenantId: string, userId: string): CalendarMailbox | undefined {
    return this.mailboxes.get(`${tenantId}/${userId}`);
  }

  set(mailbox: CalendarMailbox): void {
    this.mailboxes.set(`${mailbox.tenantId}/${mailbox.userId}`, mailbox);
  }

  all(): IterableIterator<CalendarMailbox> {
    return this.mailboxes.values();
  }
}
