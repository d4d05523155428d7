import type { ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { gmail_v1 } from 'googleapis';
import { isRecord, readJson } from '../../http/body';
import { sendEmpty, sendJson, sendStream } from '../../http/respond';
import type { Route } from '../../http/route';
import type { SandboxRequest } from '../../http/sandbox-request';
import { googleError } from '../../http/vendor-errors';
import type { SandboxContext } from '../../sandbox-context';
import { googlePage } from '../paging';
import { applyFields, parseFields, type FieldMask } from '../partial-response';
import { base64urlPadded, base64urlStream } from './base64url-stream';
import { gmailRoute, mailboxOf, metadataOnly, METHOD_SCOPES, QUOTA_UNITS } from './gmail-access';
import type { MessageContent } from './gmail-content';
import { gmailErrors } from './gmail-errors';
import {
  attachmentIdOf,
  findPart,
  fullPayload,
  INLINE_TEXT_LIMIT,
  metadataPayload,
  minimalResource,
  parseAttachmentId,
  type MessageFormat,
} from './gmail-message.view';
import { parseQuery } from './gmail-query';
import type { GmailMailboxes } from './gmail-mailboxes';
import type { Mailbox, MessageRecord } from './gmail.store';
import { headerValue, parseStructured } from './mime-headers';

const FORMATS: readonly MessageFormat[] = ['minimal', 'metadata', 'full', 'raw'];
/** batchModify and batchDelete take at most 1,000 ids (Gmail API reference). */
const MAX_BATCH_IDS = 1000;

function invalidJson(m: string) {
  return gmailErrors.invalid(m);
}

export function messageOf(mailbox: Mailbox, id: string | undefined): MessageRecord {
  if (!id || !/^[0-9a-fA-F]{1,32}$/.test(id)) throw gmailErrors.invalidId();
  const rec = mailbox.messages.get(id.toLowerCase());
  if (!rec) throw gmailErrors.notFound();
  return rec;
}

function stringList(body: Record<string, unknown>, key: string): string[] {
  const v = body[key] ?? [];
  if (!Array.isArray(v) || !v.every((x): x is string => typeof x === 'string'))
    throw gmailErrors.invalid(`Invalid JSON payload received. Invalid value at '${key}'`);
  return v;
}

function fieldsOf(req: SandboxRequest): FieldMask | undefined {
  const f = req.query.get('fields');
  return f ? parseFields(f) : undefined;
}

/** messages.list, get, attachments.get, modify, batchModify, trash, untrash, delete, batchDelete. */
export function gmailMessageRoutes(
  ctx: SandboxContext,
  mailboxes: GmailMailboxes,
  content: MessageContent,
): Route[] {
  const list = (req: SandboxRequest, res: ServerResponse): void => {
    const mailbox = mailboxOf(mailboxes, req);
    const q = req.query.get('q') ?? '';
    if (q && metadataOnly(req)) throw gmailErrors.metadataQuery();
    const labelIds = req.query.getAll('labelIds');
    for (const l of labelIds) if (!mailbox.hasLabel(l)) throw gmailErrors.invalidLabel(l);
    const query = parseQuery(q, mailbox, {
      subject: (r) => content.subject(mailbox, r),
      messageIdHeader: (r) => content.messageIdHeader(mailbox, r),
    });
    const includeSpamTrash =
      req.query.get('includeSpamTrash') === 'true' ||
      query.namesSpamOrTrash ||
      labelIds.includes('SPAM') ||
      labelIds.includes('TRASH');
    const matches = mailbox
      .orderedMessages()
      .filter(
        (r) =>
          (includeSpamTrash || !r.labelIds.some((l) => l === 'SPAM' || l === 'TRASH')) &&
          labelIds.every((l) => r.labelIds.includes(l)) &&
          query.matches(r),
      );
    const { page, nextPageToken } = googlePage(matches, req, 'maxResults', 100, 500);
    const body: gmail_v1.Schema$ListMessagesResponse = { resultSizeEstimate: matches.length };
    if (page.length > 0) body.messages = page.map((r) => ({ id: r.id, threadId: r.threadId }));
    if (nextPageToken) body.nextPageToken = nextPageToken;
    const mask = fieldsOf(req);
    sendJson(res, 200, mask ? applyFields(body, mask) : body);
  };

  const get = async (req: SandboxRequest, res: ServerResponse): Promise<void> => {
    const mailbox = mailboxOf(mailboxes, req);
    const format = (req.query.get('format') ?? 'full').toLowerCase() as MessageFormat;
    if (!FORMATS.includes(format))
      throw googleError(
        400,
        'invalid',
        `Invalid value at 'format' (type.googleapis.com/gmail.Format), "${format.slice(0, 40)}"`,
        { location: 'format', locationType: 'parameter' },
      );
    if ((format === 'full' || format === 'raw') && metadataOnly(req))
      throw gmailErrors.metadataFormat(format);
    const rec = messageOf(mailbox, req.params['id']);
    const mask = fieldsOf(req);
    const base = minimalResource(mailbox, rec, content);
    if (format === 'raw' && (!mask || mask.has('raw') || mask.has('*'))) {
      const head = JSON.stringify(mask ? applyFields(base, mask) : base).slice(0, -1);
      const mime = content.open(mailbox, rec);
      // The base64url is written as it is encoded: never the whole message in memory, let alone twice.
      async function* body(): AsyncGenerator<Buffer> {
        yield Buffer.from(`${head}${head.length > 1 ? ',' : ''}"raw":"`);
        yield* base64urlStream(mime);
        yield Buffer.from('"}');
      }
      await sendStream(res, 200, Readable.from(body()), {
        'content-type': 'application/json; charset=UTF-8',
      });
      return;
    }
    const out: gmail_v1.Schema$Message = { ...base };
    if (format === 'metadata') {
      const headers = await content.headers(mailbox, rec);
      out.payload = metadataPayload(
        headers,
        req.query.getAll('metadataHeaders'),
        parseStructured(headerValue(headers, 'content-type') ?? 'text/plain').value,
      );
    } else if (format === 'full') {
      out.payload = fullPayload(
        rec.id,
        await content.analyze(mailbox, rec, { captureTextBelow: INLINE_TEXT_LIMIT }),
      );
    } else if (format === 'minimal') {
      // minimal: no payload.
    }
    sendJson(res, 200, mask ? applyFields(out, mask) : out);
  };

  const attachment = async (req: SandboxRequest, res: ServerResponse): Promise<void> => {
    const mailbox = mailboxOf(mailboxes, req);
    const rec = messageOf(mailbox, req.params['messageId']);
    const ref = parseAttachmentId(req.params['id'] ?? '');
    if (!ref || ref.messageId !== rec.id)
      throw googleError(400, 'invalidArgument', 'Invalid attachment token');
    const root = await content.analyze(mailbox, rec, { capturePartId: ref.partId });
    const part = findPart(root, ref.partId);
    if (!part?.data) throw gmailErrors.notFound();
    // Written in three pieces so the (possibly large) base64 is built once, not copied into a JSON string.
    const head = Buffer.from(
      `{"attachmentId":${JSON.stringify(attachmentIdOf(rec.id, ref.partId))},"size":${part.size},"data":"`,
    );
    const data = Buffer.from(base64urlPadded(part.data), 'latin1');
    const tail = Buffer.from('"}');
    res.writeHead(200, {
      'content-type': 'application/json; charset=UTF-8',
      'content-length': String(head.length + data.length + tail.length),
    });
    res.write(head);
    res.write(data);
    res.end(tail);
  };

  const labelChange = async (
    req: SandboxRequest,
    mailbox: Mailbox,
  ): Promise<{ add: string[]; remove: string[]; ids: string[] }> => {
    const body = await readJson(req.raw, invalidJson);
    if (!isRecord(body)) throw gmailErrors.invalid('Invalid JSON payload received.');
    const add = stringList(body, 'addLabelIds');
    const remove = stringList(body, 'removeLabelIds');
    for (const l of [...add, ...remove]) if (!mailbox.hasLabel(l)) throw gmailErrors.invalidLabel(l);
    return { add, remove, ids: stringList(body, 'ids') };
  };

  const modify = async (req: SandboxRequest, res: ServerResponse): Promise<void> => {
    const mailbox = mailboxOf(mailboxes, req);
    const rec = messageOf(mailbox, req.params['id']);
    const { add, remove } = await labelChange(req, mailbox);
    mailbox.modifyLabels(rec, add, remove, ctx.clock.now());
    sendJson(res, 200, { id: rec.id, threadId: rec.threadId, labelIds: [...rec.labelIds] });
  };

  const batchIds = (ids: string[], mailbox: Mailbox): MessageRecord[] => {
    if (ids.length === 0) throw gmailErrors.invalid('ids must not be empty');
    if (ids.length > MAX_BATCH_IDS)
      throw gmailErrors.invalid(`Too many ids: at most ${MAX_BATCH_IDS} per request`);
    // Gmail skips ids it does not know in batch calls rather than failing the whole batch.
    return ids
      .map((id) => mailbox.messages.get(id.toLowerCase()))
      .filter((r): r is MessageRecord => r !== undefined);
  };

  const batchModify = async (req: SandboxRequest, res: ServerResponse): Promise<void> => {
    const mailbox = mailboxOf(mailboxes, req);
    const { add, remove, ids } = await labelChange(req, mailbox);
    const now = ctx.clock.now();
    for (const rec of batchIds(ids, mailbox)) mailbox.modifyLabels(rec, add, remove, now);
    sendEmpty(res, 204);
  };

  const trash = (toTrash: boolean) => (req: SandboxRequest, res: ServerResponse) => {
    const mailbox = mailboxOf(mailboxes, req);
    const rec = messageOf(mailbox, req.params['id']);
    mailbox.modifyLabels(rec, toTrash ? ['TRASH'] : [], toTrash ? [] : ['TRASH'], ctx.clock.now());
    sendJson(res, 200, { id: rec.id, threadId: rec.threadId, labelIds: [...rec.labelIds] });
  };

  const remove = (req: SandboxRequest, res: ServerResponse): void => {
    const mailbox = mailboxOf(mailboxes, req);
    const rec = messageOf(mailbox, req.params['id']);
    mailbox.deleteMessage(rec, ctx.clock.now());
    if (rec.landed) ctx.retention.release(rec.landed.content);
    sendEmpty(res, 204);
  };

  const batchDelete = async (req: SandboxRequest, res: ServerResponse): Promise<void> => {
    const mailbox = mailboxOf(mailboxes, req);
    const body = await readJson(req.raw, invalidJson);
    if (!isRecord(body)) throw gmailErrors.invalid('Invalid JSON payload received.');
    const now = ctx.clock.now();
    for (const rec of batchIds(stringList(body, 'ids'), mailbox)) {
      mailbox.deleteMessage(rec, now);
      if (rec.landed) ctx.retention.release(rec.landed.content);
    }
    sendEmpty(res, 204);
  };

  const S = METHOD_SCOPES;
  const U = QUOTA_UNITS;
  const base = '/gmail/v1/users/:userId/messages';
  return [
    gmailRoute('GET', base, 'messages.list', S.messagesList, U.messagesList, list),
    gmailRoute(
      'POST',
      `${base}/batchModify`,
      'messages.batchModify',
      S.messagesModify,
      U.messagesBatch,
      batchModify,
    ),
    gmailRoute(
      'POST',
      `${base}/batchDelete`,
      'messages.batchDelete',
      S.messagesDelete,
      U.messagesBatch,
      batchDelete,
    ),
    gmailRoute(
      'GET',
      `${base}/:messageId/attachments/:id`,
      'messages.attachments.get',
      S.attachmentsGet,
      U.attachmentsGet,
      attachment,
    ),
    gmailRoute('POST', `${base}/:id/modify`, 'messages.modify', S.messagesModify, U.messagesModify, modify),
    gmailRoute('POST', `${base}/:id/trash`, 'messages.trash', S.messagesModify, U.messagesTrash, trash(true)),
    gmailRoute(
      'POST',
      `${base}/:id/untrash`,
      'messages.untrash',
      S.messagesModify,
      U.messagesTrash,
      trash(false),
    ),
    gmailRoute('GET', `${base}/:id`, 'messages.get', S.messagesRead, U.messagesGet, get),
    gmailRoute('DELETE', `${base}/:id`, 'messages.delete', S.messagesDelete, U.messagesDelete, remove),
  ];
}
