import type { ServerResponse } from 'node:http';
import type { gmail_v1 } from 'googleapis';
import { isRecord, readJson } from '../../http/body';
import { sendEmpty, sendJson } from '../../http/respond';
import type { Route } from '../../http/route';
import type { SandboxRequest } from '../../http/sandbox-request';
import { googleError } from '../../http/vendor-errors';
import type { SandboxContext } from '../../sandbox-context';
import { gmailRoute, mailboxOf, METHOD_SCOPES, QUOTA_UNITS } from './gmail-access';
import { gmailErrors } from './gmail-errors';
import type { GmailMailboxes } from './gmail-mailboxes';
import { SYSTEM_LABEL_IDS, type Mailbox, type UserLabel } from './gmail.store';

/** Gmail's label name limit. */
const MAX_LABEL_NAME = 225;
const MESSAGE_VISIBILITY = ['show', 'hide'] as const;
const LABEL_VISIBILITY = ['labelShow', 'labelShowIfUnread', 'labelHide'] as const;

function systemLabel(id: string): gmail_v1.Schema$Label {
  return { id, name: id, type: 'system' };
}

function userLabel(l: UserLabel): gmail_v1.Schema$Label {
  return {
    id: l.id,
    name: l.name,
    messageListVisibility: l.messageListVisibility,
    labelListVisibility: l.labelListVisibility,
    type: 'user',
    ...(l.color ? { color: { ...l.color } } : {}),
  };
}

/** Counts for labels.get, computed from the messages (Gmail's are eventually consistent; these are exact). */
export function labelCounts(
  mailbox: Mailbox,
  id: string,
): { messagesTotal: number; messagesUnread: number; threadsTotal: number; threadsUnread: number } {
  let messagesTotal = 0;
  let messagesUnread = 0;
  const threads = new Set<string>();
  const unreadThreads = new Set<string>();
  for (const m of mailbox.messages.values()) {
    if (!m.labelIds.includes(id)) continue;
    messagesTotal++;
    threads.add(m.threadId);
    if (m.labelIds.includes('UNREAD')) {
      messagesUnread++;
      unreadThreads.add(m.threadId);
    }
  }
  return { messagesTotal, messagesUnread, threadsTotal: threads.size, threadsUnread: unreadThreads.size };
}

function enumField<T extends string>(
  body: Record<string, unknown>,
  key: string,
  allowed: readonly T[],
  proto: string,
): T | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' || !allowed.includes(v as T)) {
    throw googleError(
      400,
      'invalid',
      `Invalid value at 'label.${proto}' (type.googleapis.com/gmail.Label.${key[0]?.toUpperCase() ?? ''}${key.slice(1)}), "${(typeof v === 'string' ? v : JSON.stringify(v)).slice(0, 40)}"`,
    );
  }
  return v as T;
}

/** labels.list, get, create, update, patch, delete. */
export function gmailLabelRoutes(ctx: SandboxContext, mailboxes: GmailMailboxes): Route[] {
  const labelOf = (
    mailbox: Mailbox,
    id: string | undefined,
  ): gmail_v1.Schema$Label & { user?: UserLabel } => {
    if (id && mailbox.isSystemLabel(id)) return systemLabel(id);
    const l = id ? mailbox.labels.get(id) : undefined;
    if (!l) throw gmailErrors.notFound();
    return { ...userLabel(l), user: l };
  };

  const checkName = (mailbox: Mailbox, name: unknown, self: UserLabel | undefined): string => {
    if (typeof name !== 'string' || name.trim() === '' || name.length > MAX_LABEL_NAME)
      throw gmailErrors.invalid('Invalid label name');
    // System label names are reserved whatever their case.
    if (SYSTEM_LABEL_IDS.some((s) => s.toLowerCase() === name.trim().toLowerCase()))
      throw gmailErrors.invalid('Invalid label name');
    const other = mailbox.labelByName(name.trim());
    if (other && other !== self) throw gmailErrors.labelConflict();
    return name.trim();
  };

  const apply = (mailbox: Mailbox, target: UserLabel, body: Record<string, unknown>, full: boolean): void => {
    if (full || body['name'] !== undefined) target.name = checkName(mailbox, body['name'], target);
    const mlv = enumField(body, 'messageListVisibility', MESSAGE_VISIBILITY, 'message_list_visibility');
    const llv = enumField(body, 'labelListVisibility', LABEL_VISIBILITY, 'label_list_visibility');
    if (mlv) target.messageListVisibility = mlv;
    else if (full) target.messageListVisibility = 'show';
    if (llv) target.labelListVisibility = llv;
    else if (full) target.labelListVisibility = 'labelShow';
    const color = body['color'];
    if (isRecord(color)) {
      const { textColor, backgroundColor } = color;
      if (
        typeof textColor !== 'string' ||
        typeof backgroundColor !== 'string' ||
        !/^#[0-9a-f]{6}$/i.test(textColor) ||
        !/^#[0-9a-f]{6}$/i.test(backgroundColor)
      )
        throw gmailErrors.invalid('Invalid label color');
      target.color = { textColor, backgroundColor };
    } else if (full) delete target.color;
  };

  const body = async (req: SandboxRequest): Promise<Record<string, unknown>> => {
    const b = await readJson(req.raw, (m) => gmailErrors.invalid(m));
    if (!isRecord(b)) throw gmailErrors.invalid('Invalid JSON payload received.');
    return b;
  };

  const list = (req: SandboxRequest, res: ServerResponse): void => {
    const mailbox = mailboxOf(mailboxes, req);
    sendJson(res, 200, {
      labels: [...SYSTEM_LABEL_IDS.map(systemLabel), ...[...mailbox.labels.values()].map(userLabel)],
    } satisfies gmail_v1.Schema$ListLabelsResponse);
  };

  const get = (req: SandboxRequest, res: ServerResponse): void => {
    const mailbox = mailboxOf(mailboxes, req);
    const { user: _user, ...label } = labelOf(mailbox, req.params['id']);
    sendJson(res, 200, { ...label, ...labelCounts(mailbox, label.id ?? '') });
  };

  const create = async (req: SandboxRequest, res: ServerResponse): Promise<void> => {
    const mailbox = mailboxOf(mailboxes, req);
    const b = await body(req);
    const label: UserLabel = {
      id: '',
      name: checkName(mailbox, b['name'], undefined),
      messageListVisibility: 'show',
      labelListVisibility: 'labelShow',
    };
    apply(mailbox, label, b, false);
    const created: UserLabel = { ...label, id: mailbox.newLabelId() };
    mailbox.labels.set(created.id, created);
    mailbox.bump();
    sendJson(res, 200, userLabel(created));
  };

  const update = (full: boolean) => async (req: SandboxRequest, res: ServerResponse) => {
    const mailbox = mailboxOf(mailboxes, req);
    const { user } = labelOf(mailbox, req.params['id']);
    if (!user) throw gmailErrors.invalid('Invalid update request');
    const b = await body(req);
    const draft: UserLabel = { ...user };
    apply(mailbox, draft, b, full);
    Object.assign(user, draft);
    if (!draft.color) delete user.color;
    mailbox.bump();
    sendJson(res, 200, userLabel(user));
  };

  const remove = (req: SandboxRequest, res: ServerResponse): void => {
    const mailbox = mailboxOf(mailboxes, req);
    const { user } = labelOf(mailbox, req.params['id']);
    if (!user) throw gmailErrors.invalid('Invalid delete request');
    const now = ctx.clock.now();
    for (const m of mailbox.messages.values())
      if (m.labelIds.includes(user.id)) mailbox.modifyLabels(m, [], [user.id], now);
    mailbox.labels.delete(user.id);
    mailbox.bump();
    sendEmpty(res, 204);
  };

  const S = METHOD_SCOPES;
  const U = QUOTA_UNITS;
  const base = '/gmail/v1/users/:userId/labels';
  return [
    gmailRoute('GET', base, 'labels.list', S.labelsRead, U.labelsList, list),
    gmailRoute('POST', base, 'labels.create', S.labelsWrite, U.labelsWrite, create),
    gmailRoute('GET', `${base}/:id`, 'labels.get', S.labelsRead, U.labelsGet, get),
    gmailRoute('PUT', `${base}/:id`, 'labels.update', S.labelsWrite, U.labelsWrite, update(true)),
    gmailRoute('PATCH', `${base}/:id`, 'labels.patch', S.labelsWrite, U.labelsWrite, update(false)),
    gmailRoute('DELETE', `${base}/:id`, 'labels.delete', S.labelsWrite, U.labelsWrite, remove),
  ];
}
