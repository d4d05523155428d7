import { isRecord, readJson } from '../../http/body';
import { sendEmpty, sendJson, sendStream } from '../../http/respond';
import type { Route } from '../../http/route';
import type { SandboxRequest } from '../../http/sandbox-request';
import { graphError } from '../../http/vendor-errors';
import type { SandboxContext } from '../../sandbox-context';
import { seededExchangeId } from '../../scenario/deterministic';
import { normalizePropertyId } from './extended-property';
import { folderOr404, unreadableBody } from './folders.routes';
import { MAIL_READ, MAIL_READ_CONTENT, MAIL_WRITE, type MailboxResolver } from './mail-access';
import { openMime } from './mail-mime';
import { contextPrefix, pageOf, selectMessage } from './mail-paging';
import type { Mailbox, MailFolderRecord, MessageRecord } from './mail.store';
import { canReadContent, messageJson, preferredBodyType } from './mail-views';
import { applyFilter, parseMessageFilter, type MessageFilter } from './message-filter';
import { categoriesOf, createMessage, extendedProperties, followupFlag, importanceOf } from './message-create';
import { seededView } from './seeded-message';
import { renderAttachments } from './attachment-content';

const MESSAGE_PAGE = { defaultTop: 10, maxTop: 1000 };

export function messageOr404(mailbox: Mailbox, id: string): MessageRecord {
  const m = mailbox.messages.get(id);
  if (m) return m;
  if (id.length < 40 || !/^[A-Za-z0-9_\-+/=]+$/.test(id)) throw graphError(400, 'ErrorInvalidIdMalformed', 'Id is malformed.');
  throw graphError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
}

export const internetMessageIdOf = (mailbox: Mailbox, m: MessageRecord): string => m.extras?.landed?.internetMessageId ?? seededView(mailbox.profile, m).spec.messageId;

interface Expansion {
  /** `singleValueExtendedProperties($filter=id eq '...' [or id eq '...'])`: which property ids to return. */
  readonly properties?: readonly string[] | 'all';
  readonly attachments: boolean;
}

/** Splits `$expand` at top-level commas (a `$filter` inside parentheses may hold commas of its own). */
function expandItems(raw: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of raw) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(current);
      current = '';
    } else current += ch;
  }
  out.push(current);
  return out.map((s) => s.trim()).filter(Boolean);
}

/** The `$expand` options the sandbox supports on messages: extended properties and attachments. */
function expansionOf(req: SandboxRequest): Expansion {
  const raw = req.query.get('$expand') ?? req.query.get('expand');
  if (!raw) return { attachments: false };
  let properties: Expansion['properties'];
  let attachments = false;
  for (const item of expandItems(raw)) {
    if (/^attachments$/i.test(item)) {
      attachments = true;
      continue;
    }
    const m = /^singleValueExtendedProperties\s*(?:\(\s*\$filter\s*=\s*(.+)\))?$/i.exec(item);
    if (!m) throw graphError(400, 'BadRequest', `Parsing OData Select and Expand failed: the sandbox supports $expand of attachments and singleValueExtendedProperties, not '${item.slice(0, 80)}'.`);
    properties =
      m[1] === undefined
        ? 'all'
        : m[1].split(/\s+or\s+/i).map((clause) => {
            const c = /^\s*id\s+eq\s+'((?:[^']|'')*)'\s*$/i.exec(clause);
            const id = c ? normalizePropertyId((c[1] ?? '').replace(/''/g, "'")) : undefined;
            if (!id) throw graphError(400, 'ErrorInvalidUrlQueryFilter', 'The query filter contains one or more invalid nodes.');
            return id;
          });
  }
  return { ...(properties ? { properties } : {}), attachments };
}

/** Renders a message with the query's extended-property `$expand` applied (expanded properties appear only when present). */
export function renderer(req: SandboxRequest, mailbox: Mailbox, withBody: boolean): (m: MessageRecord) => Record<string, unknown> {
  const expand = expansionOf(req).properties;
  const bodyType = preferredBodyType(req.raw.headers['prefer']);
  return (m) => {
    const json = messageJson(mailbox, m, withBody, bodyType);
    if (expand) {
      const props = (m.extras?.extended ?? []).filter((p) => expand === 'all' || expand.includes(p.id));
      if (props.length > 0) json['singleValueExtendedProperties'] = props.map((p) => ({ id: p.id, value: p.value }));
    }
    return json;
  };
}

/** `$expand=attachments`: adds each rendered message's attachments (needs reading content, so it runs after rendering). */
async function withAttachments(req: SandboxRequest, mailbox: Mailbox, items: Record<string, unknown>[], withContent: boolean): Promise<void> {
  if (!expansionOf(req).attachments) return;
  if (!withContent) throw graphError(403, 'ErrorAccessDenied', 'Access is denied. Check credentials and try again.');
  for (const json of items) {
    const m = mailbox.messages.get(String(json['id']));
    if (m) json['attachments'] = await renderAttachments(mailbox, m);
  }
}

/** messages: list (mailbox and folder), get, create (JSON/MIME), PATCH, DELETE, move, `$value`. */
export function messageRoutes(ctx: SandboxContext, r: MailboxResolver): Route[] {
  const filterOf = (req: SandboxRequest, mailbox: Mailbox): MessageFilter | undefined => {
    const raw = req.query.get('$filter') ?? req.query.get('filter');
    return raw ? parseMessageFilter(raw, (m) => internetMessageIdOf(mailbox, m)) : undefined;
  };
  const ordered = (req: SandboxRequest, items: readonly MessageRecord[]): readonly MessageRecord[] => {
    const orderby = (req.query.get('$orderby') ?? '').trim().toLowerCase();
    const filter = (req.query.get('$filter') ?? '').trim().replace(/^\(+/, '').toLowerCase();
    // Exchange's documented rule: $orderby properties must lead the $filter, in the same order.
    if (orderby !== '' && filter !== '' && !filter.startsWith('receiveddatetime')) throw graphError(400, 'InefficientFilter', 'The restriction or sort order is too complex for this operation.');
    if (orderby === '' || orderby === 'receiveddatetime desc') return items;
    if (orderby === 'receiveddatetime' || orderby === 'receiveddatetime asc') return [...items].reverse();
    throw graphError(400, 'ErrorInvalidProperty', 'The sandbox supports $orderby only on receivedDateTime.');
  };
  const list = async (req: SandboxRequest, mailbox: Mailbox, folder: MailFolderRecord | undefined, withBody: boolean, context: string) => {
    const pool = folder ? folder.messages : mailbox.allMessages();
    const items = ordered(req, applyFilter(mailbox, pool, filterOf(req, mailbox), (m) => !folder || m.folder === folder));
    const page = pageOf(req, ctx.origin(), items, renderer(req, mailbox, withBody), { ...MESSAGE_PAGE, context });
    await withAttachments(req, mailbox, page['value'] as Record<string, unknown>[], withBody);
    return page;
  };
  const entity = (req: SandboxRequest) => `${ctx.origin()}/v1.0/$metadata#${contextPrefix(req)}/messages/$entity`;

  const update = async (req: SandboxRequest, mailbox: Mailbox, m: MessageRecord) => {
    const body = await readJson(req.raw, unreadableBody);
    if (!isRecord(body)) throw unreadableBody();
    const extras = (m.extras ??= {});
    if (body['isRead'] !== undefined) {
      if (typeof body['isRead'] !== 'boolean') throw graphError(400, 'RequestBodyRead', "Invalid value for property 'isRead'.");
      mailbox.setRead(m, body['isRead']);
    }
    if (body['flag'] !== undefined) extras.flag = followupFlag(body['flag']);
    if (body['categories'] !== undefined) extras.categories = categoriesOf(body['categories']);
    if (body['importance'] !== undefined) extras.importance = importanceOf(body['importance']);
    if (body['subject'] !== undefined) {
      if (typeof body['subject'] !== 'string') throw graphError(400, 'RequestBodyRead', "Invalid value for property 'subject'.");
      extras.subject = body['subject'];
    }
    // PidTagMessageFlags set after creation is stored but, as in Exchange, no longer turns a draft into a sent item.
    for (const p of extendedProperties(body['singleValueExtendedProperties'])) mailbox.setProperty(m, p);
    mailbox.touch(m, ctx.clock.now());
  };

  return [
    ...r.routes({
      method: 'GET',
      suffix: '/messages',
      operation: 'graph.messages.list',
      auth: MAIL_READ,
      handler: async (req, res, mailbox, p) => sendJson(res, 200, await list(req, mailbox, undefined, canReadContent(p), `${contextPrefix(req)}/messages`)),
    }),
    ...r.routes({
      method: 'GET',
      suffix: '/mailFolders/:folder/messages',
      operation: 'graph.mailFolders.messages.list',
      auth: MAIL_READ,
      handler: async (req, res, mailbox, p) => {
        const f = folderOr404(mailbox, req.params['folder'] ?? '');
        sendJson(res, 200, await list(req, mailbox, f, canReadContent(p), `${contextPrefix(req)}/mailFolders('${f.id}')/messages`));
      },
    }),
    ...r.routes({
      method: 'POST',
      suffix: '/messages',
      operation: 'graph.messages.create',
      auth: MAIL_WRITE,
      upload: true,
      handler: async (req, res, mailbox) => {
        const drafts = mailbox.folder('drafts') ?? mailbox.root;
        const m = await createMessage(ctx, mailbox, drafts, req.raw);
        sendJson(res, 201, { '@odata.context': entity(req), ...messageJson(mailbox, m, true) });
      },
    }),
    ...r.routes({
      method: 'POST',
      suffix: '/mailFolders/:folder/messages',
      operation: 'graph.mailFolders.messages.create',
      auth: MAIL_WRITE,
      upload: true,
      handler: async (req, res, mailbox) => {
        const f = folderOr404(mailbox, req.params['folder'] ?? '');
        const m = await createMessage(ctx, mailbox, f, req.raw);
        sendJson(res, 201, { '@odata.context': entity(req), ...messageJson(mailbox, m, true) });
      },
    }),
    ...['/messages/:id', '/mailFolders/:folder/messages/:id'].flatMap((suffix) => [
      ...r.routes({
        method: 'GET',
        suffix,
        operation: 'graph.messages.get',
        auth: MAIL_READ,
        handler: async (req, res, mailbox, p) => {
          const m = messageOr404(mailbox, req.params['id'] ?? '');
          if (req.params['folder'] !== undefined && folderOr404(mailbox, req.params['folder']) !== m.folder) throw graphError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
          const json = selectMessage(renderer(req, mailbox, canReadContent(p))(m), req);
          await withAttachments(req, mailbox, [json], canReadContent(p));
          sendJson(res, 200, { '@odata.context': entity(req), ...json });
        },
      }),
      ...r.routes({
        method: 'PATCH',
        suffix,
        operation: 'graph.messages.update',
        auth: MAIL_WRITE,
        upload: true,
        handler: async (req, res, mailbox) => {
          const m = messageOr404(mailbox, req.params['id'] ?? '');
          await update(req, mailbox, m);
          sendJson(res, 200, { '@odata.context': entity(req), ...messageJson(mailbox, m, true) });
        },
      }),
      ...r.routes({
        method: 'DELETE',
        suffix,
        operation: 'graph.messages.delete',
        auth: MAIL_WRITE,
        handler: (req, res, mailbox) => {
          mailbox.remove(messageOr404(mailbox, req.params['id'] ?? ''));
          sendEmpty(res, 204);
        },
      }),
    ]),
    ...r.routes({
      method: 'POST',
      suffix: '/messages/:id/move',
      operation: 'graph.messages.move',
      auth: MAIL_WRITE,
      handler: async (req, res, mailbox) => {
        const m = messageOr404(mailbox, req.params['id'] ?? '');
        const body = await readJson(req.raw, unreadableBody);
        const dest = isRecord(body) ? body['destinationId'] : undefined;
        if (typeof dest !== 'string' || dest === '') throw graphError(400, 'ErrorInvalidParameter', "The value of the parameter 'DestinationId' is empty.");
        const folder = folderOr404(mailbox, dest);
        // Exchange ids change on move unless the caller asks for immutable ids.
        const immutable = /IdType\s*=\s*"?ImmutableId"?/i.test(String(req.raw.headers['prefer'] ?? ''));
        const newId = immutable ? undefined : seededExchangeId(`${m.id}/moved/${mailbox.changeSeq}`);
        const moved = mailbox.move(m, folder, newId, ctx.clock.now());
        sendJson(res, 201, { '@odata.context': entity(req), ...messageJson(mailbox, moved, true) });
      },
    }),
    ...r.routes({
      method: 'GET',
      suffix: '/messages/:id/$value',
      operation: 'graph.messages.value',
      auth: MAIL_READ_CONTENT,
      handler: async (req, res, mailbox) => {
        const m = messageOr404(mailbox, req.params['id'] ?? '');
        await sendStream(res, 200, openMime(mailbox, m), { 'content-type': 'text/plain' });
      },
    }),
  ];
}
