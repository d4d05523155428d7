import type { calendar_v3 } from 'googleapis';
import { isRecord } from '../../http/body';
import { googleError } from '../../http/vendor-errors';
import { parseRecurrence, RecurrenceError } from './recurrence';
import { isTimeZone, parseDate, parseDateTime } from './zoned-time';

/** Fields a client may write; the computed ones (kind, etag, created, updated, htmlLink) are ignored. */
const WRITABLE = [
  'summary', 'description', 'location', 'start', 'end', 'endTimeUnspecified', 'recurrence', 'transparency', 'visibility', 'status',
  'attendees', 'reminders', 'colorId', 'extendedProperties', 'guestsCanModify', 'guestsCanInviteOthers', 'guestsCanSeeOtherGuests',
  'anyoneCanAddSelf', 'conferenceData', 'source', 'attachments', 'eventType', 'sequence', 'locked', 'privateCopy',
] as const;

const ENUMS: Readonly<Record<string, readonly string[]>> = {
  transparency: ['opaque', 'transparent'],
  visibility: ['default', 'public', 'private', 'confidential'],
  status: ['confirmed', 'tentative', 'cancelled'],
};

const required = (message: string, location: string) => googleError(400, 'required', message, { location, locationType: 'parameter' });
const invalid = (message: string) => googleError(400, 'invalid', message);

/** Copies the writable fields of a request body (null clears a field, as in a patch). */
export function writableFields(body: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of WRITABLE) if (key in body) out[key] = body[key];
  return out;
}

function checkTime(which: 'start' | 'end', value: unknown, recurring: boolean): 'date' | 'dateTime' {
  if (!isRecord(value)) throw required(`Missing ${which} time.`, which);
  const { date, dateTime, timeZone } = value;
  if (timeZone !== undefined && timeZone !== null && (typeof timeZone !== 'string' || !isTimeZone(timeZone))) throw invalid(`Invalid time zone definition for ${which} time.`);
  if (typeof date === 'string' && (dateTime === undefined || dateTime === null)) {
    if (!parseDate(date)) throw invalid(`Invalid ${which} time.`);
    return 'date';
  }
  if (typeof dateTime === 'string' && (date === undefined || date === null)) {
    const zone = typeof timeZone === 'string' ? timeZone : undefined;
    if (parseDateTime(dateTime, zone) === undefined) {
      if (parseDateTime(dateTime, 'UTC') !== undefined) throw required(`Missing time zone definition for ${which} time.`, which);
      throw invalid(`Invalid ${which} time.`);
    }
    // Recurring events expand in a zone; Google requires one even when the time has an offset.
    if (recurring && !zone) throw required(`Missing time zone definition for ${which} time.`, which);
    return 'dateTime';
  }
  throw invalid(`Invalid ${which} time.`);
}

/**
 * Checks a complete event body (after a patch is merged) the way the Calendar API does:
 * start and end present and consistent, end not before start, recurrence parseable, enums valid.
 */
export function validateEvent(data: Record<string, unknown>): calendar_v3.Schema$Event {
  const recurrence = data['recurrence'];
  const recurring = Array.isArray(recurrence) && recurrence.length > 0;
  if (recurrence !== undefined && recurrence !== null && (!Array.isArray(recurrence) || recurrence.some((l) => typeof l !== 'string'))) throw invalid('Invalid recurrence rule.');
  const startKind = checkTime('start', data['start'], recurring);
  if (data['end'] === undefined || data['end'] === null) throw required('Missing end time.', 'end');
  const endKind = checkTime('end', data['end'], recurring);
  if (startKind !== endKind) throw invalid('Start and end times must either both be date or both be dateTime.');
  const s = data['start'] as calendar_v3.Schema$EventDateTime;
  const e = data['end'] as calendar_v3.Schema$EventDateTime;
  const zone = (t: calendar_v3.Schema$EventDateTime) => t.timeZone ?? 'UTC';
  const startMs = startKind === 'date' ? Date.parse(`${s.date ?? ''}T00:00:00Z`) : (parseDateTime(s.dateTime ?? '', zone(s)) ?? 0);
  const endMs = endKind === 'date' ? Date.parse(`${e.date ?? ''}T00:00:00Z`) : (parseDateTime(e.dateTime ?? '', zone(e)) ?? 0);
  if (endMs < startMs || (startKind === 'date' && endMs === startMs)) throw googleError(400, 'timeRangeEmpty', 'The specified time range is empty.', { location: 'end.dateTime', locationType: 'parameter' });
  if (recurring) {
    try {
      parseRecurrence(recurrence as string[]);
    } catch (err) {
      if (err instanceof RecurrenceError) throw invalid('Invalid recurrence rule.');
      throw err;
    }
  }
  for (const [field, values] of Object.entries(ENUMS)) {
    const v = data[field];
    if (v !== undefined && v !== null && (typeof v !== 'string' || !values.includes(v))) throw invalid(`Invalid value for: ${field}`);
  }
  const attendees = data['attendees'];
  if (attendees !== undefined && attendees !== null) {
    if (!Array.isArray(attendees) || attendees.some((a) => !isRecord(a) || typeof a['email'] !== 'string' || !/^[^@\s]+@[^@\s]+$/.test(a['email']))) throw invalid('Invalid attendee email.');
  }
  for (const text of ['summary', 'description', 'location'] as const) {
    const v = data[text];
    if (v !== undefined && v !== null && typeof v !== 'string') throw invalid(`Invalid value for: ${text}`);
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(data)) if (v !== null && v !== undefined) out[k] = v;
  return out;
}
