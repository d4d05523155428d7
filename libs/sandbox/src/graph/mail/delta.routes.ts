import { sendJson } from '../../http/respond';
import type { Route } from '../../http/route';
import type { SandboxRequest } from '../../http/sandbox-request';
import { graphError } from '../../http/vendor-errors';
import type { SandboxContext } from '../../sandbox-context';
import { folderOr404 } from './folders.routes';
import { MAIL_READ, type MailboxResolver } from './mail-access';
import { selectMessage } from './mail-paging';
import type { Mailbox, MessageRecord } from './mail.store';
import { canReadContent } from './mail-views';
import { parseMessageFilter } from './message-filter';
import { internetMessageIdOf, renderer } from './messages.routes';

/** What a delta or skip token carries: the folder, the change sequence it covers, the mailbox's token epoch, and a page offset. */
interface DeltaState {
  readonly f: string;
  /** Changes after this sequence are reported; -1 means the initial full round. */
  readonly s: number;
  /** The sequence this round ends at (becomes the next deltaLink's `s`). */
  readonly u: number;
  readonly e: number;
  readonly o: number;
}

const encode = (s: DeltaState): string => Buffer.from(JSON.stringify(s)).toString('base64url');

function decode(token: string): DeltaState | undefined {
  try {
    const v = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Partial<DeltaState>;
    if (typeof v.f === 'string' && typeof v.s === 'number' && typeof v.u === 'number' && typeof v.e === 'number' && typeof v.o === 'number') return v as DeltaState;
  } catch {
    // fall through
  }
  return undefined;
}

const DEFAULT_PAGE = 10;
const MAX_PAGE = 1000;

function pageSize(req: SandboxRequest): { size: number; applied?: string } {
  const prefer = /odata\.maxpagesize\s*=\s*(\d+)/i.exec(String(req.raw.headers['prefer'] ?? ''));
  if (prefer) {
    const size = Math.min(MAX_PAGE, Math.max(1, Number(prefer[1])));
    return { size, applied: `odata.maxpagesize=${size}` };
  }
  const top = req.query.get('$top');
  if (top !== null) {
    const n = Number(top);
    if (!Number.isInteger(n) || n < 1) throw graphError(400, 'BadRequest', `Invalid value '${top.slice(0, 32)}' for query parameter '$top'.`);
    return { size: Math.min(n, MAX_PAGE) };
  }
  return { size: DEFAULT_PAGE };
}

/**
 * `GET .../mailFolders/{id}/messages/delta`: a full round paged by `@odata.nextLink` and ended by
 * `@odata.deltaLink`; later rounds report changed and new messages and `@removed` for deleted or
 * moved-out ones. A stale token (expired by the inspection API, pruned removals, or an injected
 * fault) is 410 Gone `syncStateNotFound`, with a Location to restart, as the delta overview documents.
 */
export function deltaRoutes(ctx: SandboxContext, r: MailboxResolver): Route[] {
  const stale = (req: SandboxRequest) => {
    const restart = new URL(req.path, ctx.origin());
    for (const [k, v] of req.query) if (k !== '$deltatoken' && k !== '$skiptoken') restart.searchParams.append(k, v);
    return graphError(410, 'syncStateNotFound', 'The sync state generation is not found. The delta token is expired and data must be synchronized again.', { location: restart.toString() });
  };

  const handle = (req: SandboxRequest, mailbox: Mailbox, withBody: boolean) => {
    const folder = folderOr404(mailbox, req.params['folder'] ?? '');
    const token = req.query.get('$deltatoken') ?? req.query.get('$skiptoken');
    let state: DeltaState;
    if (token === null) {
      state = { f: folder.id, s: -1, u: mailbox.changeSeq, e: mailbox.deltaEpoch, o: 0 };
    } else {
      const decoded = decode(token);
      if (!decoded || decoded.f !== folder.id) throw graphError(400, 'ErrorInvalidSyncStateData', 'The sync state data is corrupt or otherwise invalid.');
      if (req.staleDelta || decoded.e !== mailbox.deltaEpoch || (decoded.s >= 0 && decoded.s < mailbox.staleBefore)) throw stale(req);
      state = req.query.has('$deltatoken') ? { ...decoded, u: mailbox.changeSeq, o: 0 } : decoded;
    }
    const rawFilter = req.query.get('$filter');
    const filter = rawFilter ? parseMessageFilter(rawFilter, (m) => internetMessageIdOf(mailbox, m)) : undefined;
    const changed: MessageRecord[] = folder.messages.filter((m) => m.changeSeq > state.s && (!filter || filter.test(m)));
    const present = new Set(folder.messages.map((m) => m.id));
    const removed = state.s < 0 ? [] : mailbox.tombstones.filter((t) => t.folderId === folder.id && t.seq > state.s && !present.has(t.id));
    const { size, applied } = pageSize(req);
    const render = renderer(req, mailbox, withBody);
    const entries: Record<string, unknown>[] = [];
    const total = changed.length + removed.length;
    for (let i = state.o; i < Math.min(total, state.o + size); i++) {
      const m = changed[i];
      if (m) entries.push(selectMessage(render(m), req));
      else {
        const t = removed[i - changed.length];
        if (t) entries.push({ '@odata.type': '#microsoft.graph.message', id: t.id, '@removed': { reason: 'deleted' } });
      }
    }
    const link = new URL(req.path, ctx.origin());
    for (const [k, v] of req.query) if (k !== '$deltatoken' && k !== '$skiptoken') link.searchParams.append(k, v);
    const body: Record<string, unknown> = { '@odata.context': `${ctx.origin()}/v1.0/$metadata#Collection(message)`, value: entries };
    if (state.o + size < total) {
      link.searchParams.set('$skiptoken', encode({ ...state, o: state.o + size }));
      body['@odata.nextLink'] = link.toString();
    } else {
      link.searchParams.set('$deltatoken', encode({ f: folder.id, s: state.u - 1, u: state.u, e: state.e, o: 0 }));
      body['@odata.deltaLink'] = link.toString();
    }
    const headers: Record<string, string> = applied ? { 'preference-applied': applied } : {};
    return { body, headers };
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
