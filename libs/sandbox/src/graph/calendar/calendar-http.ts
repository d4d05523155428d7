import type { ServerResponse } from 'node:http';
import { readJson } from '../../http/body';
import type { Route } from '../../http/route';
import type { SandboxRequest } from '../../http/sandbox-request';
import type { AuthRequirement } from '../../identity/principal';
import type { LimitName } from '../../throttle/limits';
import { mailboxChargeKey } from '../directory/graph-users';
import type { CalendarService } from './calendar.service';
import { undeserializable } from './event-input';
import { preferredZone } from './time-zones';

/** Both ways Graph addresses a mailbox. */
export const MAILBOX_BASES = ['/v1.0/users/:user', '/v1.0/me'] as const;

// Permission tables of learn.microsoft.com/graph/api/user-list-events, event-get, user-post-events, event-update.
/** Outlook answers a token without the needed permission with its own 403, not the directory's. */
export const OUTLOOK_DENIED = {
  code: 'ErrorAccessDenied',
  message: 'Access is denied. Check credentials and try again.',
} as const;
export const CALENDAR_READ: AuthRequirement = {
  kind: 'graph',
  application: ['Calendars.Read', 'Calendars.ReadWrite'],
  delegated: ['Calendars.Read', 'Calendars.ReadWrite'],
  denied: OUTLOOK_DENIED,
};
export const CALENDAR_WRITE: AuthRequirement = {
  kind: 'graph',
  application: ['Calendars.ReadWrite'],
  delegated: ['Calendars.ReadWrite'],
  denied: OUTLOOK_DENIED,
};
const LIMITS: readonly LimitName[] = ['graph.mailbox', 'graph.app'];

/** A Graph mailbox route: Outlook's per-mailbox and per-app budgets, charged to the addressed user. */
export function mailboxRoute(
  svc: CalendarService,
  method: string,
  pattern: string,
  operation: string,
  auth: AuthRequirement,
  handler: (req: SandboxRequest, res: ServerResponse) => Promise<void> | void,
): Route {
  return {
    vendor: 'graph',
    method,
    pattern,
    operation,
    auth,
    limits: LIMITS,
    charge: (req) => ({
      user: mailboxChargeKey(svc.ctx, req),
      upload: method === 'POST' || method === 'PATCH',
    }),
    handler,
  };
}

/** The output zone and the `Preference-Applied` header Graph adds when it honoured `Prefer`. */
export function outputZone(req: SandboxRequest): { zone: string; headers: Record<string, string> } {
  const z = preferredZone(req.raw.headers['prefer']);
  return { zone: z.name, headers: z.applied ? { 'preference-applied': `outlook.timezone="${z.name}"` } : {} };
}

/** A JSON body; malformed JSON is Outlook's deserialisation error. */
export function readEventBody(req: SandboxRequest): Promise<unknown> {
  return readJson(req.raw, () => undeserializable());
}

/** The `users('...')` segment of `@odata.context`. */
export function contextUser(req: SandboxRequest, userId: string): string {
  return `users('${encodeURIComponent(req.params['user'] ?? userId)}')`;
}
