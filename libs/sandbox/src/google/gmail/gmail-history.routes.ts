import type { ServerResponse } from 'node:http';
import type { gmail_v1 } from 'googleapis';
import { sendJson } from '../../http/respond';
import type { Route } from '../../http/route';
import type { SandboxRequest } from '../../http/sandbox-request';
import { googleError } from '../../http/vendor-errors';
import type { SandboxContext } from '../../sandbox-context';
import { googlePage } from '../paging';
import { gmailRoute, mailboxOf, METHOD_SCOPES, QUOTA_UNITS } from './gmail-access';
import { gmailErrors } from './gmail-errors';
import type { GmailMailboxes } from './gmail-mailboxes';
import { HISTORY_TYPES, type HistoryRecord, type HistoryType } from './gmail.store';

function historyResource(r: HistoryRecord): gmail_v1.Schema$History {
  const message = { id: r.messageId, threadId: r.threadId, labelIds: [...r.labelsAfter] };
  const out: gmail_v1.Schema$History = {
    id: String(r.id),
    messages: [{ id: r.messageId, threadId: r.threadId }],
  };
  switch (r.type) {
    case 'messageAdded':
      out.messagesAdded = [{ message }];
      break;
    case 'messageDeleted':
      out.messagesDeleted = [{ message: { id: r.messageId, threadId: r.threadId } }];
      break;
    case 'labelAdded':
      out.labelsAdded = [{ message, labelIds: [...r.changed] }];
      break;
    case 'labelRemoved':
      out.labelsRemoved = [{ message, labelIds: [...r.changed] }];
      break;
  }
  return out;
}

/** users.getProfile and users.history.list. */
export function gmailHistoryRoutes(ctx: SandboxContext, mailboxes: GmailMailboxes): Route[] {
  const profile = (req: SandboxRequest, res: ServerResponse): void => {
    const mailbox = mailboxOf(mailboxes, req);
    const threads = new Set<string>();
    for (const m of mailbox.messages.values()) threads.add(m.threadId);
    sendJson(res, 200, {
      emailAddress: mailbox.email,
      messagesTotal: mailbox.messages.size,
      threadsTotal: threads.size,
      historyId: String(mailbox.historyId),
    } satisfies gmail_v1.Schema$Profile);
  };

  const history = (req: SandboxRequest, res: ServerResponse): void => {
    const mailbox = mailboxOf(mailboxes, req);
    const raw = req.query.get('startHistoryId');
    if (raw === null || raw === '')
      throw googleError(400, 'invalidArgument', 'Missing required parameter: startHistoryId', {
        location: 'startHistoryId',
        locationType: 'parameter',
      });
    if (!/^\d{1,19}$/.test(raw))
      throw googleError(
        400,
        'invalid',
        `Invalid value at 'start_history_id' (TYPE_UINT64), "${raw.slice(0, 40)}"`,
        { location: 'startHistoryId', locationType: 'parameter' },
      );
    const types = req.query.getAll('historyTypes');
    for (const t of types) {
      if (!HISTORY_TYPES.includes(t as HistoryType))
        throw googleError(
          400,
          'invalid',
          `Invalid value at 'history_types' (type.googleapis.com/gmail.HistoryType), "${t.slice(0, 40)}"`,
          { location: 'historyTypes', locationType: 'parameter' },
        );
    }
    const labelId = req.query.get('labelId');
    const start = Number(raw);
    mailbox.pruneHistory(ctx.clock.now());
    // Gmail answers an expired or unknown start point with a plain 404; clients must then resync.
    if (req.staleDelta || start < mailbox.historyFloor) throw gmailErrors.notFound();
    const wanted = types.length > 0 ? new Set(types) : undefined;
    const records = mailbox.history.filter(
      (r) =>
        r.id > start &&
        (!wanted || wanted.has(r.type)) &&
        (!labelId || r.changed.includes(labelId) || r.labelsAfter.includes(labelId)),
    );
    const { page, nextPageToken } = googlePage(records, req, 'maxResults', 100, 500);
    const body: gmail_v1.Schema$ListHistoryResponse = { historyId: String(mailbox.historyId) };
    if (page.length > 0) body.history = page.map(historyResource);
    if (nextPageToken) body.nextPageToken = nextPageToken;
    sendJson(res, 200, body);
  };

  return [
    gmailRoute(
      'GET',
      '/gmail/v1/users/:userId/profile',
      'getProfile',
      METHOD_SCOPES.getProfile,
      QUOTA_UNITS.getProfile,
      profile,
    ),
    gmailRoute(
      'GET',
      '/gmail/v1/users/:userId/history',
      'history.list',
      METHOD_SCOPES.historyList,
      QUOTA_UNITS.historyList,
      history,
    ),
  ];
}
