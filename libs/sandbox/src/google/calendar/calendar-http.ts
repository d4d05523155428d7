import type { ServerResponse } from 'node:http';
import { isRecord, readJson } from '../../http/body';
import { sendJson } from '../../http/respond';
import type { Route } from '../../http/route';
import type { SandboxRequest } from '../../http/sandbox-request';
import { googleError } from '../../http/vendor-errors';
import { applyFields, parseFields } from '../partial-response';
import type { CalendarStore, StoredCalendar, UserCalendars } from './calendar.store';
import { parseDateTime } from './zoned-time';

const SCOPE = 'https://www.googleapis.com/auth/';
/** Scope sets from each method's "Authorization scopes" list in the Calendar API reference. */
export const SCOPES = {
  eventsRead: [`${SCOPE}calendar`, `${SCOPE}calendar.readonly`, `${SCOPE}calendar.events`, `${SCOPE}calendar.events.readonly`, `${SCOPE}calendar.events.owned`, `${SCOPE}calendar.events.owned.readonly`],
  eventsWrite: [`${SCOPE}calendar`, `${SCOPE}calendar.events`, `${SCOPE}calendar.events.owned`],
  calendarsRead: [`${SCOPE}calendar`, `${SCOPE}calendar.readonly`, `${SCOPE}calendar.calendars`, `${SCOPE}calendar.calendars.readonly`],
  calendarsWrite: [`${SCOPE}calendar`, `${SCOPE}calendar.calendars`],
  calendarListRead: [`${SCOPE}calendar`, `${SCOPE}calendar.readonly`, `${SCOPE}calendar.calendarlist`, `${SCOPE}calendar.calendarlist.readonly`],
  freeBusy: [`${SCOPE}calendar`, `${SCOPE}calendar.readonly`, `${SCOPE}calendar.events.freebusy`, `${SCOPE}calendar.freebusy`, `${SCOPE}calendar.events.readonly`],
} as const;

export const notFound = () => googleError(404, 'notFound', 'Not Found');

export function send(req: SandboxRequest, res: ServerResponse, body: unknown, status = 200): void {
  const fields = req.query.get('fields');
  sendJson(res, status, fields ? applyFields(body, parseFields(fields)) : body);
}

/** Reads a JSON object body; malformed JSON is Calendar's classic `parseError`. */
export async function readObject(req: SandboxRequest): Promise<Record<string, unknown>> {
  const body = await readJson(req.raw, () => googleError(400, 'parseError', 'Parse Error'));
  if (!isRecord(body)) throw googleError(400, 'parseError', 'Parse Error');
  return body;
}

/** The impersonated user's calendars (`principal.subject`); a token without one reaches none. */
export function callerCalendars(store: CalendarStore, req: SandboxRequest): UserCalendars {
  const p = req.principal;
  const user = p?.kind === 'google' && p.subject ? store.user(p.subject) : undefined;
  // Simplified: a service account acting as itself has no calendar in the sandbox.
  if (!user || p?.kind !== 'google' || user.customerId !== p.customerId) throw notFound();
  return user;
}

/**
 * A calendar the caller owns: `primary`, its email, or one of its secondary calendars. Other
 * users' calendars are not shared in the sandbox, so they are 404 as an unshared calendar is.
 */
export function ownCalendar(store: CalendarStore, req: SandboxRequest): StoredCalendar {
  const user = callerCalendars(store, req);
  const id = req.params['calendarId'] ?? '';
  const calendar = id === 'primary' ? user.calendars.get(user.email.toLowerCase()) : user.calendars.get(id.toLowerCase());
  if (!calendar) throw notFound();
  return calendar;
}

/** An RFC 3339 query parameter with an offset, or undefined when absent. */
export function timeParam(req: SandboxRequest, name: string): number | undefined {
  const raw = req.query.get(name);
  if (raw === null) return undefined;
  const t = parseDateTime(raw);
  if (t === undefined) throw googleError(400, 'badRequest', 'Bad Request');
  return t;
}

export function boolParam(req: SandboxRequest, name: string): boolean {
  const raw = req.query.get(name);
  if (raw === null || raw === 'false') return false;
  if (raw === 'true') return true;
  throw googleError(400, 'invalidParameter', `Invalid boolean value: '${raw.slice(0, 20)}'.`, { location: name, locationType: 'parameter' });
}

/** A Calendar route: per-user and per-project budgets, charged to the impersonated user. */
export function calendarRoute(method: string, pattern: string, operation: string, scopes: readonly string[], handler: Route['handler']): Route {
  return {
    vendor: 'google',
    method,
    pattern,
    operation,
    auth: { kind: 'google', scopes },
    limits: ['calendar.user', 'calendar.project'],
    charge: (req) => (req.principal?.kind === 'google' && req.principal.subject ? { user: req.principal.subject } : {}),
    handler,
  };
}
