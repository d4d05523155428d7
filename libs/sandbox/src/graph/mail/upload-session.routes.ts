import { randomBytes } from 'node:crypto';
import { isRecord, readJson } from '../../http/body';
import { sendEmpty, sendJson } from '../../http/respond';
import type { Route } from '../../http/route';
import type { SandboxRequest } from '../../http/sandbox-request';
import { graphError } from '../../http/vendor-errors';
import type { SandboxContext } from '../../sandbox-context';
import { ChunkedContent } from './chunked-content';
import { unreadableBody } from './folders.routes';
import { MAIL_WRITE, type MailboxResolver } from './mail-access';
import type { Mailbox } from './mail.store';
import { isoSeconds } from './mail-views';
import { INLINE_ATTACHMENT_LIMIT } from './message-create';
import { messageOr404 } from './messages.routes';

/** Documented bounds: sessions are for 3 MB..150 MB files, each PUT carries at most 4 MB. */
const MAX_ATTACHMENT = 150 * 1024 * 1024;
const MAX_CHUNK = 4 * 1024 * 1024;
/** Sessions expire if idle; each fragment extends the expiry (the service uses roughly a few hours; 6 h here). */
const SESSION_TTL_MS = 6 * 3_600_000;

interface Session {
  readonly id: string;
  readonly token: string;
  readonly mailbox: Mailbox;
  readonly messageId: string;
  readonly name: string;
  readonly contentType: string;
  readonly isInline: boolean;
  readonly contentId: string | null;
  readonly size: number;
  readonly content: ChunkedContent;
  expiresMs: number;
}

const UPLOAD_PATTERN = '/api/v2.0/Users/:user/Messages/:message/AttachmentSessions/:session';

/**
 * `POST .../messages/{id}/attachments/createUploadSession` and the pre-authenticated upload URL it
 * returns (shaped like Outlook's `.../AttachmentSessions('...')?authtoken=...`, on the sandbox's origin).
 */
export function uploadSessionRoutes(ctx: SandboxContext, r: MailboxResolver): Route[] {
  const sessions = new Map<string, Session>();
  const sessionOf = (req: SandboxRequest): Session => {
    const s = sessions.get(req.params['session'] ?? '');
    if (!s || req.query.get('authtoken') !== s.token) throw graphError(404, 'ErrorItemNotFound', 'The upload session was not found.');
    if (s.expiresMs < ctx.clock.now()) {
      sessions.delete(s.id);
      throw graphError(404, 'ErrorItemNotFound', 'The upload session has expired.');
    }
    return s;
  };
  const status = (s: Session) => ({
    '@odata.context': `${ctx.origin()}/api/v2.0/$metadata#Microsoft.OutlookServices.UploadSession`,
    ExpirationDateTime: isoSeconds(s.expiresMs),
    NextExpectedRanges: [String(s.content.size)],
  });

  const put = async (req: SandboxRequest, res: Parameters<Route['handler']>[1]) => {
    const s = sessionOf(req);
    const range = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(String(req.raw.headers['content-range'] ?? '').trim());
    if (!range) throw graphError(400, 'ErrorInvalidRequest', 'The Content-Range header is missing or malformed.');
    const [start, end, total] = [Number(range[1]), Number(range[2]), Number(range[3])];
    const length = end - start + 1;
    if (total !== s.size) throw graphError(400, 'ErrorInvalidRequest', `The Content-Range total ${total} does not match the session's size ${s.size}.`);
    if (length <= 0 || end >= s.size) throw graphError(416, 'ErrorInvalidRange', 'The Content-Range is not satisfiable.');
    if (start !== s.content.size) throw graphError(416, 'ErrorInvalidRange', `The expected next range starts at ${s.content.size}.`);
    if (length > MAX_CHUNK) throw graphError(413, 'RequestEntityTooLarge', 'A fragment may carry at most 4 MB.');
    const declared = req.raw.headers['content-length'];
    if (declared !== undefined && Number(declared) !== length) throw graphError(400, 'ErrorInvalidRequest', 'The Content-Length does not match the Content-Range.');
    const parts: Buffer[] = [];
    let got = 0;
    for await (const c of req.raw) {
      const b = c as Buffer;
      got += b.length;
      if (got > length) throw graphError(400, 'ErrorInvalidRequest', 'The body is longer than the Content-Range.');
      parts.push(b);
    }
    if (got !== length) throw graphError(400, 'ErrorInvalidRequest', 'The body is shorter than the Content-Range.');
    s.content.append(Buffer.concat(parts, got));
    s.expiresMs = ctx.clock.now() + SESSION_TTL_MS;
    if (s.content.size < s.size) {
      sendJson(res, 200, status(s));
      return;
    }
    s.content.seal();
    sessions.delete(s.id);
    const m = messageOr404(s.mailbox, s.messageId);
    const now = ctx.clock.now();
    const attId = s.mailbox.newId('att');
    ((m.extras ??= {}).attachments ??= []).push({ id: attId, name: s.name, contentType: s.contentType, size: s.size, isInline: s.isInline, contentId: s.contentId, lastModifiedMs: now, content: s.content });
    s.mailbox.touch(m, now);
    sendEmpty(res, 201, { location: `${ctx.origin()}/api/v2.0/Users('${s.mailbox.userId}')/Messages('${m.id}')/Attachments('${attId}')` });
  };

  return [
    ...r.routes({
      method: 'POST',
      suffix: '/messages/:id/attachments/createUploadSession',
      operation: 'graph.attachments.createUploadSession',
      auth: MAIL_WRITE,
      handler: async (req, res, mailbox) => {
        const m = messageOr404(mailbox, req.params['id'] ?? '');
        const body = await readJson(req.raw, unreadableBody);
        const item = isRecord(body) ? body['AttachmentItem'] : undefined;
        if (!isRecord(item)) throw graphError(400, 'ErrorInvalidParameter', "The parameter 'AttachmentItem' is required.");
        if (item['attachmentType'] !== undefined && item['attachmentType'] !== 'file') throw graphError(400, 'ErrorInvalidParameter', "Only attachmentType 'file' is supported.");
        const name = item['name'];
        const size = item['size'];
        if (typeof name !== 'string' || name === '') throw graphError(400, 'ErrorInvalidParameter', "The value of the parameter 'Name' is empty.");
        if (typeof size !== 'number' || !Number.isInteger(size) || size < 0) throw graphError(400, 'ErrorInvalidParameter', "The value of the parameter 'Size' is invalid.");
        if (size < INLINE_ATTACHMENT_LIMIT) throw graphError(400, 'ErrorAttachmentSizeShouldNotBeLessThanMinimumSize', 'Attachment size must be greater than the minimum size.');
        if (size > MAX_ATTACHMENT) throw graphError(400, 'ErrorAttachmentSizeShouldNotBeGreaterThanMaximumSize', 'Attachment size must not be greater than the maximum size (150 MB).');
        const id = randomBytes(18).toString('base64url');
        const s: Session = {
          id,
          token: randomBytes(32).toString('base64url'),
          mailbox,
          messageId: m.id,
          name,
          contentType: typeof item['contentType'] === 'string' ? item['contentType'] : 'application/octet-stream',
          isInline: item['isInline'] === true,
          contentId: typeof item['contentId'] === 'string' ? item['contentId'] : null,
          size,
          content: new ChunkedContent(ctx.retention),
          expiresMs: ctx.clock.now() + SESSION_TTL_MS,
        };
        sessions.set(id, s);
        const url = new URL(`/api/v2.0/Users/${encodeURIComponent(mailbox.userId)}/Messages/${encodeURIComponent(m.id)}/AttachmentSessions/${id}`, ctx.origin());
        url.searchParams.set('authtoken', s.token);
        sendJson(res, 201, { '@odata.context': `${ctx.origin()}/v1.0/$metadata#microsoft.graph.uploadSession`, uploadUrl: url.toString(), expirationDateTime: isoSeconds(s.expiresMs), nextExpectedRanges: ['0-'] });
      },
    }),
    {
      vendor: 'graph',
      method: 'PUT',
      pattern: UPLOAD_PATTERN,
      operation: 'graph.attachments.uploadSession.put',
      // Pre-authenticated by the authtoken in the URL (any Authorization header is ignored); the
      // charge only names the mailbox, for fault rules.
      preAuthenticated: true,
      charge: (req) => ({ user: req.params['user'] ?? '' }),
      handler: put,
    },
    {
      vendor: 'graph',
      method: 'DELETE',
      pattern: UPLOAD_PATTERN,
      operation: 'graph.attachments.uploadSession.delete',
      preAuthenticated: true,
      charge: (req) => ({ user: req.params['user'] ?? '' }),
      handler: (req, res) => {
        sessions.delete(sessionOf(req).id);
        sendEmpty(res, 204);
      },
    },
  ];
}
