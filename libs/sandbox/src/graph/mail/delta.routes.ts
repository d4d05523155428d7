import { sendJson } from '../../http/respond';
import type { Route } from '../../http/route';
import type { SandboxRequest } from '../../http/sandbox-request';
import type { SandboxContext } from '../../sandbox-context';
import { deltaRound, removedEntry, type DeltaWindow } from '../delta-round';
import { folderOr404 } from './folders.routes';
import { MAIL_READ, type MailboxResolver } from './mail-access';
import { selectMessage } from './mail-paging';
import type { Mailbox, MessageRecord } from './mail.store';
import { canReadContent } from './mail-views';
import { parseMessageFilter } from './message-filter';
import { internetMessageIdOf, renderer } from './messages.routes';

/** A message delta token's own field: the folder it enumerates. */
interface MessageDeltaState extends DeltaWindow {
  readonly f: string;
}

/**
 * `GET .../mailFolders/{id}/messages/delta`: a full round paged by `@odata.nextLink` and ended by
 * `@odata.deltaLink`; later rounds report changed and new messages and `@removed` for deleted or
 * moved-out ones. A stale token (expired by the inspection API, pruned removals, or an injected
 * fault) is 410 Gone `syncStateNotFound`, with a Location to restart, as the delta overview documents.
 */
export function deltaRoutes(ctx: SandboxContext, r: MailboxResolver): Route[] {
  const handle = (req: SandboxRequest, mailbox: Mailbox, withBody: boolean) => {
    const folder = folderOr404(mailbox, req.params['folder'] ?? '');
    // The mailbox's changeSeq is the next sequence to assign.
    const { state, page } = deltaRound<MessageDeltaState>(req, mailbox, {
      origin: ctx.origin(),
      entity: 'message',
      latest: mailbox.changeSeq - 1,
      keepQuery: true,
      top: true,
      start: () => ({ f: folder.id }),
      fits: (t) => t['f'] === folder.id,
    });
    const rawFilter = req.query.get('$filter');
    const filter = rawFilter ? parseMessageFilter(rawFilter, (m) => internetMessageIdOf(mailbox, m)) : undefined;
    const changed: MessageRecord[] = folder.messages.filter((m) => m.changeSeq > state.s && (!filter || filter.test(m)));
    const present = new Set(folder.messages.map((m) => m.id));
    const removed = state.s < 0 ? [] : mailbox.tombstones.filter((t) => t.folderId === folder.id && t.seq > state.s && !present.has(t.id));
    return page(changed.length + removed.length, (from, to) => {
      const render = renderer(req, mailbox, withBody);
      const entries: Record<string, unknown>[] = [];
      for (let i = from; i < to; i++) {
        const m = changed[i];
        if (m) entries.push(selectMessage(render(m), req));
        else {
          const t = removed[i - changed.length];
          if (t) entries.push(removedEntry('message', t.id));
        }
      }
      return entries;
    });
  };

  return r.routes({
    method: 'GET',
    suffix: '/mailFolders/:folder/messages/delta',
    operation: 'graph.messages.delta',
    auth: MAIL_READ,
    handler: (req, res, mailbox, p) => {
      const { body, headers } = handle(req, mailbox, canReadContent(p));
      sendJson(res, 200, body, headers);
    },
  });
}
