import { Readable } from 'node:stream';
import { z } from 'zod';
import { sendJson } from '../../http/respond';
import type { Route } from '../../http/route';
import type { SandboxRequest } from '../../http/sandbox-request';
import { inspectError } from '../../http/vendor-errors';
import { readInspectBody } from '../../inspect/inspect-body';
import { inspectBadRequest } from '../../inspect/inspect-errors';
import { inspectRoutes } from '../../inspect/inspect-route';
import type { SandboxContext } from '../../sandbox-context';
import type { MessageContent } from './gmail-content';
import { fileMessage } from './gmail-landing';
import type { GmailMailboxes } from './gmail-mailboxes';
import { labelCounts } from './gmail-labels.routes';
import { SYSTEM_LABEL_IDS, type Mailbox, type MessageRecord } from './gmail.store';
import { landMime } from './mime-landing';

const addSchema = z.object({
  /** base64 or base64url RFC 5322 bytes; without it a small text message is generated. */
  raw: z
    .string()
    .max(64 * 1024 * 1024)
    .optional(),
  subject: z.string().max(500).default('Added by the inspection API'),
  labelIds: z.array(z.string().max(100)).max(100).default(['INBOX', 'UNREAD']),
});
const modifySchema = z.object({
  addLabelIds: z.array(z.string().max(100)).max(100).default([]),
  removeLabelIds: z.array(z.string().max(100)).max(100).default([]),
});

/**
 * `/_sandbox/google/gmail/:user/...`: read back what landed (label counts, per-message metadata
 * with the MIME's SHA-256) and change a mailbox between passes (add, relabel, delete a message,
 * expire its history) so delta tests have something to find.
 */
export function gmailInspectRoutes(
  ctx: SandboxContext,
  mailboxes: GmailMailboxes,
  content: MessageContent,
): Route[] {
  const route = inspectRoutes('/_sandbox/google/gmail/:user', 'inspect.gmail');
  const mailboxOf = (req: SandboxRequest): Mailbox => {
    const m = mailboxes.mailboxOfEmail(req.params['user'] ?? '');
    if (!m) throw inspectError(404, 'no such Google user');
    return m;
  };
  const messageOf = (mailbox: Mailbox, req: SandboxRequest): MessageRecord => {
    const rec = mailbox.messages.get((req.params['id'] ?? '').toLowerCase());
    if (!rec) throw inspectError(404, 'no such message');
    return rec;
  };
  const labels = (mailbox: Mailbox) => [
    ...SYSTEM_LABEL_IDS.map((id) => ({ id, name: id, type: 'system', ...labelCounts(mailbox, id) })),
    ...[...mailbox.labels.values()].map((l) => ({
      id: l.id,
      name: l.name,
      type: 'user',
      ...labelCounts(mailbox, l.id),
    })),
  ];
  const meta = async (mailbox: Mailbox, rec: MessageRecord, exact: boolean) => {
    const digest = exact ? await content.digest(mailbox, rec) : undefined;
    return {
      id: rec.id,
      threadId: rec.threadId,
      labelIds: [...rec.labelIds],
      internalDate: rec.internalDate,
      historyId: rec.historyId,
      messageId: content.messageIdHeader(mailbox, rec),
      subject: content.subject(mailbox, rec),
      size: digest?.size ?? (rec.landed ? rec.landed.content.size : rec.sizeEstimate),
      ...(digest ? { sha256: digest.sha256 } : {}),
      origin: rec.landed ? 'landed' : 'seeded',
      ...(rec.landed ? { contentRetained: rec.landed.content.readable } : {}),
    };
  };

  return [
    route('GET', '', 'mailbox', (req, res) => {
      const m = mailboxOf(req);
      sendJson(res, 200, {
        email: m.email,
        historyId: m.historyId,
        historyFloor: m.historyFloor,
        historyRecords: m.history.length,
        messages: m.messages.size,
        labels: labels(m),
      });
    }),
    route('GET', '/labels', 'labels', (req, res) => sendJson(res, 200, { labels: labels(mailboxOf(req)) })),
    route('GET', '/messages', 'messages', async (req, res) => {
      const m = mailboxOf(req);
      const exact = req.query.get('sha256') === 'true';
      const out = [];
      for (const rec of m.orderedMessages()) out.push(await meta(m, rec, exact));
      sendJson(res, 200, { messages: out });
    }),
    route('GET', '/messages/:id', 'message', async (req, res) => {
      const m = mailboxOf(req);
      sendJson(res, 200, await meta(m, messageOf(m, req), true));
    }),
    route('POST', '/messages', 'message.add', async (req, res) => {
      const m = mailboxOf(req);
      const body = await readInspectBody(req, addSchema);
      for (const l of body.labelIds) if (!m.hasLabel(l)) throw inspectBadRequest(`labelIds: no label ${l}`);
      const now = ctx.clock.now();
      const bytes = body.raw
        ? Buffer.from(body.raw, 'base64url')
        : Buffer.from(
            `From: Inspector <inspector@sandbox.example>\r\nTo: ${m.email}\r\nSubject: ${body.subject}\r\nDate: ${new Date(now).toUTCString()}\r\nMessage-ID: <inspect-${now}-${m.messages.size}@sandbox.example>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nAdded between passes.\r\n`,
          );
      const landed = await landMime(ctx.retention, Readable.from([bytes]));
      sendJson(
        res,
        201,
        fileMessage(
          m,
          content,
          landed,
          { labelIds: body.labelIds },
          { kind: 'insert', internalDateSource: 'receivedTime' },
          now,
        ),
      );
    }),
    route('PATCH', '/messages/:id', 'message.modify', async (req, res) => {
      const m = mailboxOf(req);
      const rec = messageOf(m, req);
      const body = await readInspectBody(req, modifySchema);
      for (const l of [...body.addLabelIds, ...body.removeLabelIds])
        if (!m.hasLabel(l)) throw inspectBadRequest(`no label ${l}`);
      m.modifyLabels(rec, body.addLabelIds, body.removeLabelIds, ctx.clock.now());
      sendJson(res, 200, await meta(m, rec, false));
    }),
    route('DELETE', '/messages/:id', 'message.delete', (req, res) => {
      const m = mailboxOf(req);
      const rec = messageOf(m, req);
      m.deleteMessage(rec, ctx.clock.now());
      if (rec.landed) ctx.retention.release(rec.landed.content);
      sendJson(res, 200, { deleted: rec.id, historyId: m.historyId });
    }),
    route('POST', '/history/expire', 'history.expire', (req, res) => {
      const m = mailboxOf(req);
      m.expireHistory();
      sendJson(res, 200, { historyFloor: m.historyFloor });
    }),
  ];
}
