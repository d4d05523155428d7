import { randomUUID } from 'node:crypto';
import type { SandboxRequest } from '../../http/sandbox-request';
import { graphError } from '../../http/vendor-errors';
import { seededExchangeId, seededGuid } from '../../scenario/deterministic';
import type { SandboxContext } from '../../sandbox-context';
import type { MicrosoftTenant, MicrosoftUser } from '../../state/directory';
import { mailboxUser } from '../directory/graph-users';
import {
  type CalendarMailbox,
  type CalendarMutation,
  CalendarStore,
  type StoredCalendar,
  type StoredEvent,
} from './calendar.store';
import { emptyMailbox } from './calendar.seeder';
import { type Instance, occurrenceOn, parseOccurrenceId } from './occurrences';
import { masterInstance } from './event-json';
import { type EventFields, utcOf } from './calendar.store';
import { checkEventTimes, type EventInput } from './event-input';
import { ianaZone, utcToLocalMs } from './time-zones';

export const itemNotFound = () =>
  graphError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
const invalidRequest = (m: string) => graphError(400, 'ErrorInvalidRequest', m);
const malformedId = () => graphError(400, 'ErrorInvalidIdMalformed', 'Id is malformed.');

/** Calendar state plus the lookups every calendar route needs, with tenant and mailbox isolation. */
export class CalendarService {
  readonly store = new CalendarStore();

  constructor(readonly ctx: SandboxContext) {}

  /** The user's mailbox, created empty (default calendar only) the first time it is touched. */
  mailboxOf(tenant: MicrosoftTenant, user: MicrosoftUser): CalendarMailbox {
    let m = this.store.get(tenant.tenantId, user.id);
    if (!m) {
      const index = [...tenant.users.keys()].indexOf(user.id);
      m = emptyMailbox(this.ctx.scenario.seed, tenant, user, Math.max(0, index));
      this.store.set(m);
    }
    return m;
  }

  /** The mailbox a Graph request addresses (`/users/:user` or `/me`), isolated to the caller. */
  mailbox(req: SandboxRequest): CalendarMailbox {
    const { tenant, user } = mailboxUser(this.ctx, req);
    return this.mailboxOf(tenant, user);
  }

  calendar(m: CalendarMailbox, id: string | undefined): StoredCalendar {
    if (id === undefined) return this.defaultCalendar(m);
    const c = m.calendars.get(id);
    if (c) return c;
    if (!id.startsWith('AAMkAG')) throw malformedId();
    throw itemNotFound();
  }

  defaultCalendar(m: CalendarMailbox): StoredCalendar {
    const c = m.calendars.get(m.defaultCalendarId);
    if (!c) throw itemNotFound();
    return c;
  }

  /** A series master or single event by id; `calendarId` scopes the lookup to one calendar. */
  event(m: CalendarMailbox, id: string, calendarId?: string): StoredEvent {
    const e = m.events.get(id);
    if (e && (calendarId === undefined || e.calendarId === calendarId)) return e;
    if (!id.startsWith('AAMkAG')) throw malformedId();
    throw itemNotFound();
  }

  /** An event or one occurrence of a series, by either kind of id. */
  instance(m: CalendarMailbox, id: string, calendarId?: string): Instance {
    const occ = parseOccurrenceId(id);
    if (occ) {
      const master = this.event(m, occ.masterId, calendarId);
      const inst = occurrenceOn(master, occ.date);
      if (!inst) throw itemNotFound();
      return inst;
    }
    const e = this.event(m, id, calendarId);
    return masterInstance(e, utcOf(e.start), utcOf(e.end));
  }

  newId(m: CalendarMailbox): string {
    return seededExchangeId(`${m.tenantId}/${m.userId}/${randomUUID()}`);
  }

  newChangeKey(): string {
    return seededGuid(randomUUID()).replace(/-/g, '').slice(0, 16);
  }

  record(
    m: CalendarMailbox,
    op: CalendarMutation['op'],
    kind: CalendarMutation['kind'],
    id: string,
    via: CalendarMutation['via'],
  ): void {
    m.mutations.push({ at: this.ctx.clock.date().toISOString(), op, kind, id, via });
    // Bounded: the log is for tests reading back recent changes, not an audit trail.
    if (m.mutations.length > 10_000) m.mutations.splice(0, m.mutations.length - 10_000);
  }

  /** Creates an event from a parsed body (API or inspection), with Outlook's defaults. */
  createEvent(
    m: CalendarMailbox,
    calendarId: string,
    input: EventInput,
    via: CalendarMutation['via'],
  ): StoredEvent {
    const { start, end } = input.fields;
    if (!start || !end) throw invalidRequest('An event must have a start and an end.');
    const fields: EventFields = {
      subject: '',
      body: { contentType: 'text', content: '' },
      isAllDay: false,
      showAs: 'busy',
      sensitivity: 'normal',
      importance: 'normal',
      location: '',
      categories: [],
      isReminderOn: true,
      reminderMinutesBeforeStart: 15,
      attendees: [],
      ...input.fields,
      start,
      end,
    };
    checkEventTimes(fields, utcOf(start), utcOf(end));
    const now = this.ctx.clock.now();
    const id = this.newId(m);
    const event: StoredEvent = {
      ...fields,
      id,
      calendarId,
      iCalUId: `040000008200E00074C5B7101A82E008${(this.newChangeKey() + this.newChangeKey()).toUpperCase()}`,
      createdMs: now,
      modifiedMs: now,
      changeKey: this.newChangeKey(),
      isCancelled: false,
      organizer: { ...m.owner },
      transactionId: input.transactionId ?? null,
      recurrence: input.recurrence ?? null,
      cancelled: new Set(),
      exceptions: new Map(),
      seq: ++m.changeSeq,
    };
    m.events.set(id, event);
    this.record(m, 'create', 'event', id, via);
    return event;
  }

  /**
   * Applies a PATCH: to a single event or series master in place, or to one occurrence, which
   * becomes an exception with its own fields (starting from where it sits now).
   */
  updateInstance(m: CalendarMailbox, inst: Instance, input: EventInput, via: CalendarMutation['via']): void {
    const e = inst.event;
    const now = this.ctx.clock.now();
    if (inst.occurrenceDate !== undefined) {
      if (input.recurrence !== undefined)
        throw invalidRequest('The recurrence of an occurrence cannot be changed; update the series master.');
      const zone = ianaZone(e.start.zone) ?? 'Etc/UTC';
      const current: EventFields = {
        ...inst.fields,
        start: { localMs: utcToLocalMs(inst.startUtc, zone), zone: e.start.zone },
        end: { localMs: utcToLocalMs(inst.endUtc, zone), zone: e.start.zone },
      };
      const merged: EventFields = { ...current, ...input.fields };
      checkEventTimes(merged, utcOf(merged.start), utcOf(merged.end));
      e.exceptions.set(inst.occurrenceDate, { ...merged, modifiedMs: now, changeKey: this.newChangeKey() });
      e.seq = ++m.changeSeq;
      this.record(m, 'update', 'occurrence', inst.id, via);
      return;
    }
    const merged: EventFields = { ...e, ...input.fields };
    checkEventTimes(merged, utcOf(merged.start), utcOf(merged.end));
    Object.assign(e, input.fields);
    if (input.recurrence !== undefined) {
      e.recurrence = input.recurrence;
      // A new pattern invalidates the old occurrences' identities, as in Outlook.
      e.cancelled.clear();
      e.exceptions.clear();
    }
    e.modifiedMs = now;
    e.changeKey = this.newChangeKey();
    e.seq = ++m.changeSeq;
    this.record(m, 'update', 'event', e.id, via);
  }

  /** DELETE: a whole event or series, or one occurrence (which is then listed as cancelled). */
  deleteInstance(m: CalendarMailbox, inst: Instance, via: CalendarMutation['via']): void {
    if (inst.occurrenceDate !== undefined) {
      inst.event.cancelled.add(inst.occurrenceDate);
      inst.event.exceptions.delete(inst.occurrenceDate);
      inst.event.modifiedMs = this.ctx.clock.now();
      inst.event.seq = ++m.changeSeq;
      this.tombstone(m, { seq: inst.event.seq, event: inst.event, occurrenceId: inst.id });
      this.record(m, 'delete', 'occurrence', inst.id, via);
      return;
    }
    m.events.delete(inst.event.id);
    this.tombstone(m, { seq: ++m.changeSeq, event: inst.event });
    this.record(m, 'delete', 'event', inst.event.id, via);
  }

  private tombstone(m: CalendarMailbox, t: CalendarMailbox['tombstones'][number]): void {
    m.tombstones.push(t);
    // Bounded like the mutation log; deltas older than the oldest kept tombstone are expired.
    if (m.tombstones.length > 10_000) {
      const dropped = m.tombstones.splice(0, m.tombstones.length - 10_000);
      m.staleBefore = Math.max(m.staleBefore, ...dropped.map((d) => d.seq));
    }
  }
}
