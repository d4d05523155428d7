import type { CalendarMailbox, StoredCalendar, StoredEvent } from './calendar.store';
import type { Instance } from './occurrences';
import { recurrenceJson } from './recurrence';
import { toDateTimeTimeZone } from './time-zones';

const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const preview = (content: string, type: string): string =>
  (type === 'html' ? content.replace(/<[^>]*>/g, ' ') : content).replace(/\s+/g, ' ').trim().slice(0, 255);

/**
 * An instance as Graph's `event`, with start/end in `zone` (the `Prefer: outlook.timezone` zone,
 * UTC by default). Series masters carry their recurrence and `cancelledOccurrences`; occurrences
 * carry `seriesMasterId` and `originalStart`.
 */
export function eventJson(inst: Instance, zone: string, origin: string): Record<string, unknown> {
  const e: StoredEvent = inst.event;
  const f = inst.fields;
  const isMaster = inst.type === 'singleInstance' && e.recurrence !== null;
  const out: Record<string, unknown> = {
    '@odata.etag': `W/"${inst.changeKey}"`,
    id: inst.id,
    createdDateTime: new Date(e.createdMs).toISOString(),
    lastModifiedDateTime: new Date(inst.modifiedMs).toISOString(),
    changeKey: inst.changeKey,
    categories: [...f.categories],
    transactionId: e.transactionId,
    originalStartTimeZone: f.start.zone,
    originalEndTimeZone: f.end.zone,
    iCalUId: e.iCalUId,
    reminderMinutesBeforeStart: f.reminderMinutesBeforeStart,
    isReminderOn: f.isReminderOn,
    hasAttachments: false,
    subject: f.subject,
    bodyPreview: preview(f.body.content, f.body.contentType),
    importance: f.importance,
    sensitivity: f.sensitivity,
    isAllDay: f.isAllDay,
    isCancelled: e.isCancelled,
    isOrganizer: true,
    responseRequested: true,
    seriesMasterId: inst.type === 'singleInstance' ? null : e.id,
    showAs: f.showAs,
    type: isMaster ? 'seriesMaster' : inst.type,
    webLink: `${origin}/owa/?itemid=${encodeURIComponent(inst.id)}&exvsurl=1&path=/calendar/item`,
    onlineMeetingUrl: null,
    isOnlineMeeting: false,
    onlineMeetingProvider: 'unknown',
    allowNewTimeProposals: true,
    isDraft: false,
    hideAttendees: false,
    responseStatus: { response: 'organizer', time: '0001-01-01T00:00:00Z' },
    body: { contentType: f.body.contentType, content: f.body.content },
    // All-day events are expressed in their own zone: midnight to midnight, as Graph returns them.
    start: f.isAllDay
      ? toDateTimeTimeZone(inst.startUtc, f.start.zone)
      : toDateTimeTimeZone(inst.startUtc, zone),
    end: f.isAllDay ? toDateTimeTimeZone(inst.endUtc, f.end.zone) : toDateTimeTimeZone(inst.endUtc, zone),
    location: {
      displayName: f.location,
      locationType: 'default',
      uniqueIdType: f.location ? 'locationStore' : 'unknown',
      address: {},
      coordinates: {},
    },
    locations: f.location
      ? [
          {
            displayName: f.location,
            locationType: 'default',
            uniqueIdType: 'locationStore',
            address: {},
            coordinates: {},
          },
        ]
      : [],
    recurrence: isMaster && e.recurrence ? recurrenceJson(e.recurrence) : null,
    attendees: f.attendees.map((a) => ({
      type: a.type,
      status: { ...a.status },
      emailAddress: { ...a.emailAddress },
    })),
    organizer: { emailAddress: { name: e.organizer.name, address: e.organizer.address } },
    onlineMeeting: null,
  };
  if (isMaster) out['cancelledOccurrences'] = [...e.cancelled].sort().map((d) => `OID.${e.id}.${d}`);
  if (inst.originalStartUtc !== undefined) out['originalStart'] = iso(inst.originalStartUtc);
  return out;
}

/** The master's own instance (how `/events` lists series). */
export function masterInstance(e: StoredEvent, startUtc: number, endUtc: number): Instance {
  return {
    id: e.id,
    event: e,
    fields: e,
    type: 'singleInstance',
    startUtc,
    endUtc,
    modifiedMs: e.modifiedMs,
    changeKey: e.changeKey,
  };
}

export function calendarJson(c: StoredCalendar, mailbox: CalendarMailbox): Record<string, unknown> {
  return {
    '@odata.etag': `W/"${c.changeKey}"`,
    id: c.id,
    name: c.name,
    color: c.color,
    hexColor: '',
    isDefaultCalendar: c.isDefault,
    changeKey: c.changeKey,
    canShare: true,
    canViewPrivateItems: true,
    canEdit: true,
    allowedOnlineMeetingProviders: ['teamsForBusiness'],
    defaultOnlineMeetingProvider: 'teamsForBusiness',
    isTallyingResponses: true,
    isRemovable: !c.isDefault,
    owner: { name: mailbox.owner.name, address: mailbox.owner.address },
  };
}
