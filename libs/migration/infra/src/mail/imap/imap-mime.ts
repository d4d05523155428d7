import { PassThrough, type Readable } from 'node:stream';
import type { ImapFlow } from 'imapflow';
import { ItemRejectedError, type MailboxRef } from '@ferry/migration/application';
import { examine } from './imap-commands';
import { toImapCommandError } from './imap-command-error';
import type { ImapFolderCatalog } from './imap-folder-catalog';
import { parseImapSourceId } from './imap-ids';
import type { SessionLease } from './imap-session-pool';
import type { ImapSessionRunner } from './imap-session-runner';

export interface MimeContext {
  readonly runner: ImapSessionRunner;
  readonly catalog: ImapFolderCatalog;
  /** Bytes per FETCH of a download: the most a download holds in memory at once (plus the stream's buffer). */
  readonly chunkBytes: number;
}

/** The item left the source: the engine records it as `gone-from-source` and the pass goes on. */
function gone(detail: string): ItemRejectedError {
  return new ItemRejectedError('gone-from-source', detail);
}

/**
 * Streams a message's original MIME (BODY.PEEK[] in `chunkBytes` partial FETCHes on an EXAMINEd folder, so
 * nothing is marked read). Two permits: the first EXAMINEs the folder and FETCHes RFC822.SIZE, which tells
 * whether the message is still there and how many chunk FETCHes the second permit pays for. The session
 * stays lent to the stream until it ends; a stream destroyed early closes the session (a chunk may still be
 * in flight on it).
 * @throws ItemRejectedError `gone-from-source` when the folder, its UIDVALIDITY or the message is gone;
 *   `internal` for an id this source never handed out.
 */
export async function openMimeStream(
  ctx: MimeContext,
  mailbox: MailboxRef,
  sourceId: string,
  signal: AbortSignal,
): Promise<Readable> {
  const ref = parseImapSourceId(sourceId);
  if (!ref) throw new ItemRejectedError('internal', 'not a source id of the IMAP source');
  const folder = await ctx.catalog.resolve(mailbox, ref.folderId, signal);
  if (!folder) throw gone('the IMAP folder is no longer on the server');
  const located = async (session: ImapFlow) => {
    const opened = await examine(session, folder.serverPath, true);
    return opened !== null && opened.uidValidity.toString() === ref.uidValidity;
  };
  const size = await ctx.runner.run(
    'imap.message.size',
    mailbox,
    { requests: 2 },
    signal,
    async (session) => {
      if (!(await located(session))) return null;
      const message = await session.fetchOne(String(ref.uid), { uid: true, size: true }, { uid: true });
      return message ? (message.size ?? 0) : null;
    },
  );
  if (size === null) throw gone('the message is no longer in its IMAP folder');
  const chunks = Math.max(1, Math.ceil(size / ctx.chunkBytes));
  const { value: content, lease } = await ctx.runner.runKeeping(
    'imap.message.download',
    mailbox,
    { requests: 1 + chunks },
    signal,
    async (session) => {
      if (!(await located(session))) return null;
      const download = await session.download(String(ref.uid), undefined, {
        uid: true,
        chunkSize: ctx.chunkBytes,
      });
      return download.content ?? null;
    },
  );
  if (!content) {
    lease.release(true);
    throw gone('the message is no longer in its IMAP folder');
  }
  return relay(content, lease, signal);
}

/**
 * The stream handed to the caller: errors become Ferry's (a message expunged mid-download is `gone`), the
 * session goes back to the pool when the download ended, and is closed when the caller gives up early or
 * `signal` aborts.
 */
function relay(content: Readable, lease: SessionLease<ImapFlow>, signal: AbortSignal): Readable {
  const out = new PassThrough();
  let released = false;
  const release = (reusable: boolean) => {
    if (released) return;
    released = true;
    signal.removeEventListener('abort', onAbort);
    lease.release(reusable);
  };
  const onAbort = () => out.destroy(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
  content.once('end', () => release(true));
  content.on('error', (err: unknown) => {
    release(false);
    const code = (err as { code?: unknown }).code;
    out.destroy(
      code === 'DownloadIncomplete'
        ? gone('the message left its IMAP folder during the download')
        : (toImapCommandError(err) as Error),
    );
  });
  out.once('close', () => {
    if (released) return;
    content.destroy();
    release(false);
  });
  if (signal.aborted) onAbort();
  else signal.addEventListener('abort', onAbort, { once: true });
  content.pipe(out);
  return out;
}
