import { readJson } from '../../http/body';
import { sendEmpty, sendJson, sendStream } from '../../http/respond';
import type { Route } from '../../http/route';
import type { SandboxRequest } from '../../http/sandbox-request';
import { graphError } from '../../http/vendor-errors';
import type { SandboxContext } from '../../sandbox-context';
import { unreadableBody } from './folders.routes';
import { MAIL_READ_CONTENT, MAIL_WRITE, type MailboxResolver } from './mail-access';
import { contextPrefix, pageOf } from './mail-paging';
import type { Mailbox, MessageRecord } from './mail.store';
import { attachmentContent, contentBytes } from './attachment-content';
import { attachmentJson, attachmentsOf, type AttachmentMeta } from './mail-views';
import { fileAttachment, INLINE_ATTACHMENT_LIMIT } from './message-create';
import { messageOr404 } from './messages.routes';

export function attachmentOr404(mailbox: Mailbox, m: MessageRecord, id: string): AttachmentMeta {
  const a = attachmentsOf(mailbox, m).find((x) => x.id === id);
  if (a) return a;
  if (id.length < 20 || !/^[A-Za-z0-9_\-+/=]+$/.test(id)) throw graphError(400, 'ErrorInvalidIdMalformed', 'Id is malformed.');
  throw graphError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
}

/** attachments of a message: list, get, `$value`, POST a small file attachment, DELETE. */
export function attachmentRoutes(ctx: SandboxContext, r: MailboxResolver): Route[] {
  const message = (req: SandboxRequest, mailbox: Mailbox) => messageOr404(mailbox, req.params['id'] ?? '');
  return [
    ...r.routes({
      method: 'GET',
      suffix: '/messages/:id/attachments',
      operation: 'graph.attachments.list',
      auth: MAIL_READ_CONTENT,
      handler: async (req, res, mailbox) => {
        const m = message(req, mailbox);
        const metas = attachmentsOf(mailbox, m);
        const bytes = new Map<string, string | undefined>();
        for (const a of metas) bytes.set(a.id, await contentBytes(attachmentContent(mailbox, m, a)));
        sendJson(res, 200, pageOf(req, ctx.origin(), metas, (a) => attachmentJson(a, bytes.get(a.id)), { defaultTop: 100, maxTop: 1000, context: `${contextPrefix(req)}/messages('${m.id}')/attachments` }));
      },
    }),
    ...r.routes({
      method: 'POST',
      suffix: '/messages/:id/attachments',
      operation: 'graph.attachments.create',
      auth: MAIL_WRITE,
      upload: true,
      handler: async (req, res, mailbox) => {
        const m = message(req, mailbox);
        const declared = Number(req.raw.headers['content-length'] ?? '0');
        // base64 of a 3 MB file plus JSON overhead; beyond it Graph wants an upload session.
        if (declared > Math.ceil((INLINE_ATTACHMENT_LIMIT * 4) / 3) + 64 * 1024) {
          req.raw.resume();
          throw graphError(413, 'RequestEntityTooLarge', 'The request payload exceeds the maximum size allowed (3 MB attachment). Use an upload session for large attachments.');
        }
        const body = await readJson(req.raw, unreadableBody, 8 * 1024 * 1024);
        const att = fileAttachment(body, ctx.clock.now(), ctx, () => mailbox.newId('att'));
        ((m.extras ??= {}).attachments ??= []).push(att);
        mailbox.touch(m, ctx.clock.now());
        const meta = attachmentsOf(mailbox, m).find((a) => a.id === att.id);
        if (!meta) throw new Error('attachment vanished');
        sendJson(res, 201, { '@odata.context': `${ctx.origin()}/v1.0/$metadata#${contextPrefix(req)}/messages('${m.id}')/attachments/$entity`, ...attachmentJson(meta, await contentBytes(att.content)) });
      },
    }),
    ...r.routes({
      method: 'GET',
      suffix: '/messages/:id/attachments/:att',
      operation: 'graph.attachments.get',
      auth: MAIL_READ_CONTENT,
      handler: async (req, res, mailbox) => {
        const m = message(req, mailbox);
        const a = attachmentOr404(mailbox, m, req.params['att'] ?? '');
        sendJson(res, 200, { '@odata.context': `${ctx.origin()}/v1.0/$metadata#${contextPrefix(req)}/messages('${m.id}')/attachments/$entity`, ...attachmentJson(a, await contentBytes(attachmentContent(mailbox, m, a))) });
      },
    }),
    ...r.routes({
      method: 'GET',
      suffix: '/messages/:id/attachments/:att/$value',
      operation: 'graph.attachments.value',
      auth: MAIL_READ_CONTENT,
      handler: async (req, res, mailbox) => {
        const m = message(req, mailbox);
        const a = attachmentOr404(mailbox, m, req.params['att'] ?? '');
        const source = attachmentContent(mailbox, m, a);
        if (!source.readable) throw graphError(404, 'ErrorItemNotFound', 'The attachment content is not available (not retained by the sandbox).');
        await sendStream(res, 200, source.open(), { 'content-type': a.contentType, 'content-length': String(source.size) });
      },
    }),
    ...r.routes({
      method: 'DELETE',
      suffix: '/messages/:id/attachments/:att',
      operation: 'graph.attachments.delete',
      auth: MAIL_WRITE,
      handler: (req, res, mailbox) => {
        const m = message(req, mailbox);
        const a = attachmentOr404(mailbox, m, req.params['att'] ?? '');
        // Seeded attachments are part of the seed; the sandbox lets only added ones be deleted.
        if (!a.record) throw graphError(403, 'ErrorAccessDenied', 'The sandbox cannot delete a seeded attachment.');
        const list = m.extras?.attachments ?? [];
        list.splice(list.indexOf(a.record), 1);
        ctx.retention.release(a.record.content);
        mailbox.touch(m, ctx.clock.now());
        sendEmpty(res, 204);
      },
    }),
  ];
}

