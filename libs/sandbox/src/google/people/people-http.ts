import type { ServerResponse } from 'node:http';
import { readJson } from '../../http/body';
import { sendJson } from '../../http/respond';
import type { Route } from '../../http/route';
import type { SandboxRequest } from '../../http/sandbox-request';
import { applyFields, parseFields } from '../partial-response';
import type { ContactsStore, UserContacts } from './contacts.store';
import { invalidArgument, peopleError } from './people-error';

const SCOPE = 'https://www.googleapis.com/auth/';
export const SCOPES = {
  read: [`${SCOPE}contacts`, `${SCOPE}contacts.readonly`],
  write: [`${SCOPE}contacts`],
  /** people.get on people/me also accepts the profile scopes. */
  profile: [`${SCOPE}contacts`, `${SCOPE}contacts.readonly`, `${SCOPE}userinfo.profile`, 'profile'],
} as const;

export function send(req: SandboxRequest, res: ServerResponse, body: unknown): void {
  const fields = req.query.get('fields');
  sendJson(res, 200, fields ? applyFields(body, parseFields(fields)) : body);
}

export async function readPersonBody(req: SandboxRequest): Promise<unknown> {
  return readJson(req.raw, (m) => invalidArgument(m.startsWith('Invalid JSON') ? m : `Invalid JSON payload received. ${m}`));
}

/** The impersonated user's contacts; a token without a user has no contacts to read. */
export function callerContacts(store: ContactsStore, req: SandboxRequest): UserContacts {
  const p = req.principal;
  const user = p?.kind === 'google' && p.subject ? store.user(p.subject) : undefined;
  // Simplified: a service account acting as itself gets PERMISSION_DENIED, having no contacts.
  if (!user || p?.kind !== 'google' || user.customerId !== p.customerId) throw peopleError(403, 'PERMISSION_DENIED', 'The caller does not have permission');
  return user;
}

export function peopleRoute(method: string, pattern: string, operation: string, scopes: readonly string[], handler: Route['handler']): Route {
  return {
    vendor: 'google',
    method,
    pattern,
    operation,
    auth: { kind: 'google', scopes },
    limits: ['people.user'],
    charge: (req) => (req.principal?.kind === 'google' && req.principal.subject ? { user: req.principal.subject } : {}),
    handler,
  };
}
