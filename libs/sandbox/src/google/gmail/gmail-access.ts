import type { Route } from '../../http/route';
import type { RouteHandler, SandboxRequest } from '../../http/sandbox-request';
import type { GooglePrincipal } from '../../identity/principal';
import { gmailErrors } from './gmail-errors';
import type { GmailMailboxes } from './gmail-mailboxes';
import type { Mailbox } from './gmail.store';

const AUTH = 'https://www.googleapis.com/auth/';
/** Scope URIs as the Gmail API reference lists them per method. */
export const SCOPE = {
  full: 'https://mail.google.com/',
  modify: `${AUTH}gmail.modify`,
  readonly: `${AUTH}gmail.readonly`,
  metadata: `${AUTH}gmail.metadata`,
  insert: `${AUTH}gmail.insert`,
  labels: `${AUTH}gmail.labels`,
  compose: `${AUTH}gmail.compose`,
  addonsCurrentMessageReadonly: `${AUTH}gmail.addons.current.message.readonly`,
  addonsCurrentMessageAction: `${AUTH}gmail.addons.current.message.action`,
  addonsCurrentMessageMetadata: `${AUTH}gmail.addons.current.message.metadata`,
} as const;

/** Per-method scopes, from each method's "Authorization scopes" section in the Gmail API reference. */
export const METHOD_SCOPES = {
  getProfile: [SCOPE.full, SCOPE.modify, SCOPE.compose, SCOPE.readonly, SCOPE.metadata],
  labelsRead: [SCOPE.full, SCOPE.modify, SCOPE.readonly, SCOPE.labels, SCOPE.metadata],
  labelsWrite: [SCOPE.full, SCOPE.modify, SCOPE.labels],
  messagesRead: [
    SCOPE.full,
    SCOPE.modify,
    SCOPE.readonly,
    SCOPE.metadata,
    SCOPE.addonsCurrentMessageReadonly,
    SCOPE.addonsCurrentMessageAction,
    SCOPE.addonsCurrentMessageMetadata,
  ],
  messagesList: [SCOPE.full, SCOPE.modify, SCOPE.readonly, SCOPE.metadata],
  attachmentsGet: [
    SCOPE.full,
    SCOPE.modify,
    SCOPE.readonly,
    SCOPE.addonsCurrentMessageReadonly,
    SCOPE.addonsCurrentMessageAction,
  ],
  messagesLand: [SCOPE.full, SCOPE.modify, SCOPE.insert],
  messagesModify: [SCOPE.full, SCOPE.modify],
  messagesDelete: [SCOPE.full],
  historyList: [SCOPE.full, SCOPE.modify, SCOPE.readonly, SCOPE.metadata],
} as const;

/**
 * Quota units per method, from developers.google.com/gmail/api/reference/quota ("Per-method quota
 * usage"): getProfile 1, labels.get/list 1, labels.create/update/delete 5 (patch counted as
 * update), messages.list/get/modify/trash/untrash and attachments.get 5, messages.delete 10,
 * messages.import/insert 25, messages.batchModify/batchDelete 50, history.list 2.
 */
export const QUOTA_UNITS = {
  getProfile: 1,
  labelsGet: 1,
  labelsList: 1,
  labelsWrite: 5,
  messagesList: 5,
  messagesGet: 5,
  attachmentsGet: 5,
  messagesModify: 5,
  messagesTrash: 5,
  messagesDelete: 10,
  messagesLand: 25,
  messagesBatch: 50,
  historyList: 2,
} as const;

function principalOf(req: SandboxRequest): GooglePrincipal {
  const p = req.principal;
  if (!p || p.kind !== 'google') throw gmailErrors.noMailbox();
  return p;
}

/** The email the request acts on, for throttling: `me` is the token's subject. */
export function chargedUser(req: SandboxRequest): string | undefined {
  const userId = req.params['userId'] ?? 'me';
  const p = req.principal;
  const subject = p?.kind === 'google' ? p.subject : undefined;
  return (userId === 'me' ? subject : userId)?.toLowerCase();
}

/** Whether the caller holds only metadata-level read access (no full, modify or readonly scope). */
export function metadataOnly(req: SandboxRequest): boolean {
  const scopes = principalOf(req).scopes;
  return (
    scopes.includes(SCOPE.metadata) &&
    ![SCOPE.full, SCOPE.modify, SCOPE.readonly].some((s) => scopes.includes(s))
  );
}

/**
 * Resolves `userId`: `me` is the token's subject; any other user than the subject is refused as
 * Gmail refuses it (403 "Delegation denied for ..."), even inside the same domain.
 */
export function mailboxOf(mailboxes: GmailMailboxes, req: SandboxRequest): Mailbox {
  const p = principalOf(req);
  const userId = req.params['userId'] ?? 'me';
  if (!p.subject) throw gmailErrors.noMailbox();
  if (userId !== 'me' && userId.toLowerCase() !== p.subject.toLowerCase())
    throw gmailErrors.delegationDenied(userId);
  const mailbox = mailboxes.mailbox(p.customerId, p.subject);
  if (!mailbox) throw gmailErrors.noMailbox();
  return mailbox;
}

/** A Gmail API route: Google auth with the method's scopes, both Gmail budgets, the method's units. */
export function gmailRoute(
  method: string,
  pattern: string,
  operation: string,
  scopes: readonly string[],
  units: number,
  handler: RouteHandler,
): Route {
  return {
    vendor: 'google',
    method,
    pattern,
    operation: `gmail.users.${operation}`,
    auth: { kind: 'google', scopes },
    limits: ['gmail.user', 'gmail.project'],
    charge: (req) => {
      const user = chargedUser(req);
      return user ? { user, units } : { units };
    },
    handler,
  };
}
