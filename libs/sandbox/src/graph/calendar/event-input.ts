import { isRecord } from '../../http/body';
import type { VendorError } from '../../http/vendor-error';
import { graphError } from '../../http/vendor-errors';
import type { Attendee, EventFields, FreeBusyStatus, LocalTime } from './calendar.store';
import {
  DAYS,
  type DayOfWeek,
  PATTERN_TYPES,
  RANGE_TYPES,
  type Recurrence,
  WEEK_INDEXES,
  dayNumber,
} from './recurrence';
import { formatLocalDateTime, ianaZone, parseLocalDateTime } from './time-zones';

/** Outlook's answer to a body it cannot read (malformed JSON, a dateTime it cannot parse). */
export const undeserializable = (): VendorError =>
  graphError(400, 'UnableToDeserializePostBody', 'were unable to deserialize ');
const invalidRequest = (message: string): VendorError => graphError(400, 'ErrorInvalidRequest', message);

const WRITABLE = [
  'subject',
  'body',
  'start',
  'end',
  'isAllDay',
  'showAs',
  'sensitivity',
  'importance',
  'location',
  'locations',
  'categories',
  'isReminderOn',
  'reminderMinutesBeforeStart',
  'attendees',
  'recurrence',
  'transactionId',
  'responseRequested',
  'allowNewTimeProposals',
  'isOnlineMeeting',
  'onlineMeetingProvider',
  'hideAttendees',
] as const;
// Read-only or server-computed properties Graph silently ignores in a request body.
const IGNORED = [
  '@odata.type',
  '@odata.etag',
  'id',
  'createdDateTime',
  'lastModifiedDateTime',
  'changeKey',
  'iCalUId',
  'type',
  'seriesMasterId',
  'organizer',
  'webLink',
  'bodyPreview',
  'hasAttachments',
  'isOrganizer',
  'isCancelled',
  'responseStatus',
  'originalStart',
  'originalStartTimeZone',
  'originalEndTimeZone',
  'isDraft',
  'onlineMeeting',
  'onlineMeetingUrl',
  'cancelledOccurrences',
];

const SHOW_AS: readonly FreeBusyStatus[] = [
  'free',
  'tentative',
  'busy',
  'oof',
  'workingElsewhere',
  'unknown',
];
const SENSITIVITY = ['normal', 'personal', 'private', 'confidential'] as const;
const IMPORTANCE = ['low', 'normal', 'high'] as const;

/** What a create or PATCH body asks to change; only present keys are set. */
export interface EventInput {
  fields: Partial<EventFields>;
  recurrence?: Recurrence | null;
  transactionId?: string;
}

function unknownProperty(name: string, type: string): VendorError {
  return graphError(
    400,
    'RequestBodyRead',
    `The property '${name.slice(0, 100)}' does not exist on type '${type}'. Make sure to only use property names that are defined by the type or mark the type as open type.`,
  );
}

function typeMismatch(name: string, edm: string): VendorError {
  return graphError(
    400,
    'RequestBodyRead',
    `Cannot convert the literal value of property '${name}' to the expected type '${edm}'.`,
  );
}

const str = (v: unknown, name: string): string => {
  if (typeof v !== 'string') throw typeMismatch(name, 'Edm.String');
  return v;
};
const bool = (v: unknown, name: string): boolean => {
  if (typeof v !== 'boolean') throw typeMismatch(name, 'Edm.Boolean');
  return v;
};
function oneOf<T extends string>(v: unknown, values: readonly T[], name: string): T {
  const s = str(v, name);
  const found = values.find((x) => x.toLowerCase() === s.toLowerCase());
  if (!found) throw graphError(400, 'RequestBodyRead', `Requested value '${s.slice(0, 50)}' was not found.`);
  return found;
}

/** A `dateTimeTimeZone`: an unparseable time is Outlook's deserialisation error, an unknown zone its TimeZoneNotSupportedException. */
export function parseDateTimeTimeZone(v: unknown): LocalTime {
  if (!isRecord(v) || typeof v['dateTime'] !== 'string') throw undeserializable();
  const localMs = parseLocalDateTime(v['dateTime'].replace(/(Z|[+-]\d{2}:\d{2})$/, ''));
  if (localMs === undefined) throw undeserializable();
  const zone = typeof v['timeZone'] === 'string' && v['timeZone'] !== '' ? v['timeZone'] : 'UTC';
  if (!ianaZone(zone))
    throw graphError(
      400,
      'TimeZoneNotSupportedException',
      `A valid TimeZone value must be specified. The following TimeZone value is not supported: '${zone.slice(0, 100)}'.`,
    );
  return { localMs, zone };
}

function parseAttendees(v: unknown): Attendee[] {
  if (!Array.isArray(v)) throw typeMismatch('attendees', 'Collection(microsoft.graph.attendee)');
  return v.map((a) => {
    if (!isRecord(a) || !isRecord(a['emailAddress']) || typeof a['emailAddress']['address'] !== 'string')
      throw invalidRequest('An attendee must have an email address.');
    const email = a['emailAddress'];
    const address = str(email['address'], 'address');
    return {
      type:
        a['type'] === undefined
          ? 'required'
          : oneOf(a['type'], ['required', 'optional', 'resource'] as const, 'type'),
      emailAddress: { address, name: typeof email['name'] === 'string' ? email['name'] : address },
      status: { response: 'none', time: '0001-01-01T00:00:00Z' },
    };
  });
}

/** Validates a recurrence against the pattern/range rules of the patternedRecurrence resource page. */
export function parseRecurrence(
  v: unknown,
  startZone: string,
  startLocalMs: number | undefined,
): Recurrence | null {
  if (v === null) return null;
  if (!isRecord(v) || !isRecord(v['pattern']) || !isRecord(v['range']))
    throw invalidRequest('The recurrence must have a pattern and a range.');
  const p = v['pattern'];
  const r = v['range'];
  const type = oneOf(p['type'], PATTERN_TYPES, 'type');
  const interval = p['interval'] === undefined ? 1 : Number(p['interval']);
  if (!Number.isInteger(interval) || interval < 1 || interval > 999)
    throw invalidRequest('The recurrence pattern interval must be a positive integer.');
  const daysOfWeek = p['daysOfWeek'] === undefined || p['daysOfWeek'] === null ? [] : p['daysOfWeek'];
  if (!Array.isArray(daysOfWeek)) throw typeMismatch('daysOfWeek', 'Collection(microsoft.graph.dayOfWeek)');
  const days: DayOfWeek[] = daysOfWeek.map((d) => oneOf(d, DAYS, 'daysOfWeek'));
  const dayOfMonth = p['dayOfMonth'] === undefined ? 0 : Number(p['dayOfMonth']);
  const month = p['month'] === undefined ? 0 : Number(p['month']);
  if ((type === 'weekly' || type.startsWith('relative')) && days.length === 0)
    throw invalidRequest(`The recurrence pattern '${type}' requires daysOfWeek.`);
  if (type.startsWith('absolute') && (!Number.isInteger(dayOfMonth) || dayOfMonth < 1 || dayOfMonth > 31))
    throw invalidRequest(`The recurrence pattern '${type}' requires dayOfMonth between 1 and 31.`);
  if (type.endsWith('Yearly') && (!Number.isInteger(month) || month < 1 || month > 12))
    throw invalidRequest(`The recurrence pattern '${type}' requires month between 1 and 12.`);
  const rangeType = oneOf(r['type'], RANGE_TYPES, 'type');
  const startDate =
    r['startDate'] === undefined && startLocalMs !== undefined
      ? formatLocalDateTime(startLocalMs).slice(0, 10)
      : str(r['startDate'], 'startDate');
  if (dayNumber(startDate) === undefined) throw undeserializable();
  let endDate = '0001-01-01';
  if (rangeType === 'endDate') {
    endDate = str(r['endDate'], 'endDate');
    const end = dayNumber(endDate);
    if (end === undefined) throw undeserializable();
    if (end < (dayNumber(startDate) ?? 0))
      throw invalidRequest('The recurrence range end date must not be earlier than its start date.');
  }
  const n = rangeType === 'numbered' ? Number(r['numberOfOccurrences']) : 0;
  if (rangeType === 'numbered' && (!Number.isInteger(n) || n < 1 || n > 999))
    throw invalidRequest('A numbered recurrence range requires numberOfOccurrences between 1 and 999.');
  const tz =
    typeof r['recurrenceTimeZone'] === 'string' && r['recurrenceTimeZone'] !== ''
      ? r['recurrenceTimeZone']
      : startZone;
  return {
    pattern: {
      type,
      interval,
      month: type.endsWith('Yearly') ? month : 0,
      dayOfMonth: type.startsWith('absolute') ? dayOfMonth : 0,
      daysOfWeek: days,
      firstDayOfWeek:
        p['firstDayOfWeek'] === undefined ? 'sunday' : oneOf(p['firstDayOfWeek'], DAYS, 'firstDayOfWeek'),
      index: p['index'] === undefined ? 'first' : oneOf(p['index'], WEEK_INDEXES, 'index'),
    },
    range: { type: rangeType, startDate, endDate, recurrenceTimeZone: tz, numberOfOccurrences: n },
  };
}

/** Parses an event create/PATCH body; unknown properties and wrong types are Graph's RequestBodyRead. */
export function parseEventInput(body: unknown): EventInput {
  if (!isRecord(body)) throw undeserializable();
  const out: EventInput = { fields: {} };
  const f = out.fields;
  for (const [k, v] of Object.entries(body)) {
    if (IGNORED.includes(k) || k.includes('@odata.')) continue;
    if (!(WRITABLE as readonly string[]).includes(k)) throw unknownProperty(k, 'microsoft.graph.event');
    switch (k) {
      case 'subject':
        f.subject = v === null ? '' : str(v, k);
        break;
      case 'body':
        if (!isRecord(v)) throw typeMismatch(k, 'microsoft.graph.itemBody');
        f.body = {
          contentType:
            v['contentType'] === undefined
              ? 'text'
              : oneOf(v['contentType'], ['text', 'html'] as const, 'contentType'),
          content: v['content'] === undefined || v['content'] === null ? '' : str(v['content'], 'content'),
        };
        break;
      case 'start':
        f.start = parseDateTimeTimeZone(v);
        break;
      case 'end':
        f.end = parseDateTimeTimeZone(v);
        break;
      case 'isAllDay':
        f.isAllDay = bool(v, k);
        break;
      case 'showAs':
        f.showAs = oneOf(v, SHOW_AS, k);
        break;
      case 'sensitivity':
        f.sensitivity = oneOf(v, SENSITIVITY, k);
        break;
      case 'importance':
        f.importance = oneOf(v, IMPORTANCE, k);
        break;
      case 'location':
        if (v !== null && !isRecord(v)) throw typeMismatch(k, 'microsoft.graph.location');
        f.location = v && typeof v['displayName'] === 'string' ? v['displayName'] : '';
        break;
      case 'categories':
        if (!Array.isArray(v)) throw typeMismatch(k, 'Collection(Edm.String)');
        f.categories = v.map((c) => str(c, k));
        break;
      case 'isReminderOn':
        f.isReminderOn = bool(v, k);
        break;
      case 'reminderMinutesBeforeStart':
        if (typeof v !== 'number' || !Number.isInteger(v)) throw typeMismatch(k, 'Edm.Int32');
        f.reminderMinutesBeforeStart = v;
        break;
      case 'attendees':
        f.attendees = parseAttendees(v);
        break;
      case 'transactionId':
        out.transactionId = str(v, k);
        break;
      default:
        // Accepted and not modelled (online meeting options and the like).
        break;
    }
  }
  if ('recurrence' in body)
    out.recurrence = parseRecurrence(body['recurrence'], f.start?.zone ?? 'UTC', f.start?.localMs);
  return out;
}

const DAY_MS = 86_400_000;

/** Outlook's consistency rules for the merged result of a create or PATCH. */
export function checkEventTimes(
  f: Pick<EventFields, 'start' | 'end' | 'isAllDay'>,
  utcStart: number,
  utcEnd: number,
): void {
  if (utcEnd < utcStart)
    throw invalidRequest("The event's end time must not be earlier than its start time.");
  if (f.isAllDay) {
    const midnight = (t: LocalTime) => ((t.localMs % DAY_MS) + DAY_MS) % DAY_MS === 0;
    if (!midnight(f.start) || !midnight(f.end) || f.end.localMs <= f.start.localMs) {
      throw invalidRequest(
        'The start and end of an all-day event must be midnights in its time zone, at least one day apart.',
      );
    }
  }
}
