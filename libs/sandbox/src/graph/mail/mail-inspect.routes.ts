import { z } from 'zod';
import { sendJson } from '../../http/respond';
import type { Route } from '../../http/route';
import type { SandboxRequest } from '../../http/sandbox-request';
import { inspectError } from '../../http/vendor-errors';
import { readInspectBody } from '../../inspect/inspect-body';
import { inspectBadRequest } from '../../inspect/inspect-errors';
import type { SandboxContext } from '../../sandbox-context';
import { seededExchangeId } from '../../scenario/deterministic';
import { attachmentContent } from './attachment-content';
import { openMime, sha256OfStream } from './mail-mime';
import type { Mailbox, MailFolderRecord, MessageRecord } from './mail.store';
import { attachmentsOf, isoSeconds, messageJson } from './mail-views';

const flagSchema = z.object({ flagStatus: z.enum(['notFlagged', 'flagged', 'complete']) });

/**
 * `/_sandbox/microsoft/mail/:user/...` (no auth): folder counts, per-message metadata with the
 * MIME's SHA-256, and mutations (add, mark read/flag, move, delete, expire delta tokens) so tests
 * can assert what landed and drive delta passes.
 */
export function mailInspectRoutes(ctx: SandboxContext, mailboxOf: (userIdOrUpn: string, tenant?: string) => Mailbox | undefined): Route[] {
  const route = (method: string, suffix: string, operation: string, handler: (req: SandboxRequest, res: Parameters<Route['handler']>[1], mailbox: Mailbox) => Promise<void> | void): Route => ({
    vendor: 'inspect',
    method,
    pattern: `/_sandbox/microsoft/mail/:user${suffix}`,
    operation: `inspect.mail.${operation}`,
    handler: async (req, res) => {
      const mb = mailboxOf(req.params['user'] ?? '', req.query.get('tenant') ?? undefined);
      if (!mb) throw inspectError(404, 'no such mailbox');
      await handler(req, res, mb);
    },
  });
  const folderArg = (mb: Mailbox, ref: string): MailFolderRecord => {
    const byRef = mb.folder(ref) ?? [...mb.folders.values()].find((f) => mb.pathOf(f) === ref);
    if (!byRef) throw inspectBadRequest(`no folder '${ref.slice(0, 100)}' (give an id, a well-known name or a path like Inbox/Projets)`);
    return byRef;
  };
  const message = (mb: Mailbox, id: string): MessageRecord => {
    const m = mb.messages.get(id);
    if (!m) throw inspectError(404, 'no such message');
    return m;
  };
  const meta = async (mb: Mailbox, m: MessageRecord, withDigest: boolean) => {
    const json = messageJson(mb, m, false);
    const out: Record<string, unknown> = {
      id: m.id,
      folderId: m.folder.id,
      folderPath: mb.pathOf(m.folder),
      subject: json['subject'],
      internetMessageId: json['internetMessageId'],
      receivedDateTime: isoSeconds(m.receivedMs),
      isRead: m.isRead,
      isDraft: m.isDraft,
      flag: json['flag'],
      categories: json['categories'],
      importance: json['importance'],
      origin: m.seq >= 0 ? 'seeded' : m.extras?.landed?.mime ? 'mime' : 'json',
      extendedProperties: (m.extras?.extended ?? []).map((p) => ({ id: p.id, value: p.value })),
      attachments: await Promise.all(
        attachmentsOf(mb, m).map(async (a) => ({ id: a.id, name: a.name, contentType: a.contentType, size: a.size, ...(withDigest ? { sha256: await attachmentContent(mb, m, a).sha256() } : {}) })),
      ),
    };
    if (withDigest) {
      const landedMime = m.extras?.landed?.mime;
      // Uploaded MIME past the retention budget still has its digest; otherwise hash the (re)generated MIME.
      const digest = landedMime && !landedMime.readable ? { sha256: await landedMime.sha256(), size: landedMime.size } : await sha256OfStream(openMime(mb, m));
      out['size'] = digest.size;
      out['sha256'] = digest.sha256;
    }
    return out;
  };

  return [
    route('GET', '/folders', 'folders', (_req, res, mb) => {
      const folders = [...mb.folders.values()].map((f) => ({ id: f.id, path: mb.pathOf(f), displayName: f.displayName, wellKnownName: f.wellKnown ?? null, parentFolderId: f.parentId, totalItemCount: f.messages.length, unreadItemCount: f.unread, childFolderCount: f.childIds.length }));
      sendJson(res, 200, { messages: mb.messages.size, folders });
    }),
    route('GET', '/messages', 'messages', async (req, res, mb) => {
      const folder = req.query.get('folder');
      let items = folder ? folderArg(mb, folder).messages : mb.allMessages();
      const imid = req.query.get('internetMessageId');
      if (imid) items = items.filter((m) => messageJson(mb, m, false)['internetMessageId'] === imid);
      const offset = Math.max(0, Number(req.query.get('offset') ?? '0') || 0);
      const limit = Math.min(5000, Math.max(1, Number(req.query.get('limit') ?? '1000') || 1000));
      const withDigest = req.query.get('sha256') === 'true';
      const page = items.slice(offset, offset + limit);
      const value = [];
      for (const m of page) value.push(await meta(mb, m, withDigest));
      sendJson(res, 200, { total: items.length, offset, value });
    }),
    route('GET', '/messages/:id', 'message', async (req, res, mb) => sendJson(res, 200, await meta(mb, message(mb, req.params['id'] ?? ''), true))),
    route('POST', '/messages', 'message.add', async (req, res, mb) => {
      const body = await readInspectBody(req, z.object({ folder: z.string().max(1000).default('inbox'), subject: z.string().max(1000).default('Added by the inspection API'), receivedDateTime: z.string().datetime().optional(), isRead: z.boolean().default(false), body: z.string().max(100_000).default('') }));
      const now = ctx.clock.now();
      const receivedMs = body.receivedDateTime ? Date.parse(body.receivedDateTime) : now;
      const id = seededExchangeId(`${mb.profile.key}/inspect/${mb.changeSeq}`);
      const record: MessageRecord = {
        id,
        folder: folderArg(mb, body.folder),
        seq: -1,
        receivedMs,
        lastModifiedMs: now,
        changeSeq: 0,
        isRead: body.isRead,
        isDraft: false,
        extras: {
          createdMs: now,
          landed: { subject: body.subject, from: { name: 'Inspection API', address: `inspect@${mb.profile.domain}` }, to: [{ name: mb.profile.owner.name, address: mb.profile.owner.address }], cc: [], bcc: [], replyTo: [], body: { contentType: 'text', content: body.body }, internetMessageId: `<${id.slice(6, 40)}@${mb.profile.domain}>`, sentMs: receivedMs, headers: [] },
        },
      };
      mb.insert(record);
      sendJson(res, 201, await meta(mb, record, false));
    }),
    route('PATCH', '/messages/:id', 'message.update', async (req, res, mb) => {
      const m = message(mb, req.params['id'] ?? '');
      const body = await readInspectBody(req, z.object({ isRead: z.boolean().optional(), flag: flagSchema.optional(), categories: z.array(z.string().max(255)).max(50).optional() }));
      if (body.isRead !== undefined) mb.setRead(m, body.isRead);
      if (body.flag) (m.extras ??= {}).flag = body.flag;
      if (body.categories) (m.extras ??= {}).categories = body.categories;
      mb.touch(m, ctx.clock.now());
      sendJson(res, 200, await meta(mb, m, false));
    }),
    route('POST', '/messages/:id/move', 'message.move', async (req, res, mb) => {
      const m = message(mb, req.params['id'] ?? '');
      const body = await readInspectBody(req, z.object({ folder: z.string().max(1000), keepId: z.boolean().default(true) }));
      const moved = mb.move(m, folderArg(mb, body.folder), body.keepId ? undefined : seededExchangeId(`${m.id}/moved/${mb.changeSeq}`), ctx.clock.now());
      sendJson(res, 200, await meta(mb, moved, false));
    }),
    route('DELETE', '/messages/:id', 'message.delete', (req, res, mb) => {
      mb.remove(message(mb, req.params['id'] ?? ''));
      sendJson(res, 200, { deleted: true });
    }),
    route('POST', '/delta/expire', 'delta.expire', (_req, res, mb) => {
      mb.expireDeltaTokens();
      sendJson(res, 200, { deltaEpoch: mb.deltaEpoch });
    }),
  ];
}
