import type { Readable } from 'node:stream';
import type {
  AccessProvider,
  ChangePage,
  ItemPage,
  MailboxRef,
  MailSource,
  ThrottleGovernor,
} from '@ferry/migration/application';
import type { SourceFolder, SourceItemSummary } from '@ferry/migration/domain';
import type { DestinationPolicy } from '@ferry/platform/net';
import type { RetryPolicy } from '../../throttle/governed-call';
import { changesPage } from './imap-change-feed';
import { encodeCursor } from './imap-cursor';
import { enumeratePage } from './imap-enumeration';
import { ImapFolderCatalog } from './imap-folder-catalog';
import { toSourceFolder } from './imap-folders';
import { openMimeStream } from './imap-mime';
import { DEFAULT_POOL_OPTIONS, type SessionPoolOptions } from './imap-session-pool';
import { ImapSessionRunner } from './imap-session-runner';
import { readSummaries } from './imap-summaries';

/** How the IMAP source connects and how much it reads per call. */
export interface ImapSourceOptions {
  readonly access: AccessProvider;
  readonly governor: ThrottleGovernor;
  /** The SSRF guard every IMAP host is checked against (loopback and private ranges need allow-listing). */
  readonly policy: DestinationPolicy;
  /** Sessions per mailbox and worker (default 2) and how long an idle one stays logged in (default 30 s). */
  readonly pool?: Partial<SessionPoolOptions>;
  /** Messages (or removed ids) per page, and UIDs per summaries FETCH (default 500). */
  readonly pageSize?: number;
  /** Folders read per page at most (default 50). */
  readonly foldersPerPage?: number;
  /** Bytes per FETCH when streaming a message (default 1 MiB): bounds a download's memory. */
  readonly downloadChunkBytes?: number;
  /** Bounds connect, TLS and login of a session (default 20 s). */
  readonly connectTimeoutMs?: number;
  /**
   * Change-feed extensions to use when the server offers them (default both). Turning QRESYNC off finds
   * removals by UID comparison; turning CONDSTORE off makes every delta pass an enumeration. For servers
   * whose extensions misbehave, and for tests of those paths.
   */
  readonly extensions?: { readonly condstore: boolean; readonly qresync: boolean };
  /** Without QRESYNC, the most missing UIDs a folder may report as removed before the feed expires (default 10,000). */
  readonly maxGapUids?: number;
  readonly retryPolicy?: RetryPolicy;
}

/**
 * The IMAP mail source (`MailSource`): folders by the server's hierarchy delimiter with special-use roles,
 * messages with their flags, INTERNALDATE and original MIME, and delta passes over CONDSTORE/QRESYNC.
 *
 * Ids: a folder is a digest of its server path (`imapFolderId`), a message `<folder id>/<UIDVALIDITY>/<UID>`.
 * Cursors and page tokens carry all state; the worker keeps only a small pool of logged-in sessions per
 * mailbox and a short-lived folder listing. Every command runs under the throttle governor with scope
 * `{ vendor: 'imap', tenantKey, mailboxKey: pseudonym }`. Errors name no folder, address or login.
 */
export class ImapMailSource implements MailSource {
  private readonly runner: ImapSessionRunner;
  private readonly catalog: ImapFolderCatalog;
  private readonly pageSize: number;
  private readonly foldersPerPage: number;
  private readonly chunkBytes: number;
  private readonly maxGapUids: number;

  constructor(options: ImapSourceOptions) {
    this.runner = new ImapSessionRunner({
      access: options.access,
      governor: options.governor,
      policy: options.policy,
      pool: { ...DEFAULT_POOL_OPTIONS, ...options.pool },
      ...(options.connectTimeoutMs === undefined ? {} : { connectTimeoutMs: options.connectTimeoutMs }),
      ...(options.extensions === undefined ? {} : { extensions: options.extensions }),
      ...(options.retryPolicy === undefined ? {} : { retryPolicy: options.retryPolicy }),
    });
    this.catalog = new ImapFolderCatalog(this.runner);
    this.pageSize = positive(options.pageSize ?? 500, 'pageSize');
    this.foldersPerPage = positive(options.foldersPerPage ?? 50, 'foldersPerPage');
    this.chunkBytes = positive(options.downloadChunkBytes ?? 1024 * 1024, 'downloadChunkBytes');
    this.maxGapUids = positive(options.maxGapUids ?? 10_000, 'maxGapUids');
  }

  async listFolders(mailbox: MailboxRef, signal: AbortSignal): Promise<SourceFolder[]> {
    return (await this.catalog.list(mailbox, signal)).map(toSourceFolder);
  }

  async currentCursor(mailbox: MailboxRef, signal: AbortSignal): Promise<string> {
    return encodeCursor((await this.catalog.snapshot(mailbox, signal)).map(({ mark }) => mark));
  }

  enumerate(mailbox: MailboxRef, pageToken: string | undefined, signal: AbortSignal): Promise<ItemPage> {
    return enumeratePage(this.context(), mailbox, pageToken, signal);
  }

  changes(
    mailbox: MailboxRef,
    cursor: string,
    pageToken: string | undefined,
    signal: AbortSignal,
  ): Promise<ChangePage> {
    return changesPage(
      { ...this.context(), maxGapUids: this.maxGapUids },
      mailbox,
      cursor,
      pageToken,
      signal,
    );
  }

  summaries(
    mailbox: MailboxRef,
    sourceIds: readonly string[],
    signal: AbortSignal,
  ): Promise<(SourceItemSummary | null)[]> {
    return readSummaries(this.context(), mailbox, sourceIds, signal);
  }

  openMime(mailbox: MailboxRef, sourceId: string, signal: AbortSignal): Promise<Readable> {
    return openMimeStream(
      { runner: this.runner, catalog: this.catalog, chunkBytes: this.chunkBytes },
      mailbox,
      sourceId,
      signal,
    );
  }

  /** Sessions this worker holds for `mailbox` (open, opening or lent to a call or a download). */
  sessionCount(mailbox: MailboxRef): number {
    return this.runner.sessionCount(mailbox);
  }

  /** Logs out the idle sessions (worker shutdown); sessions in use close when their call ends. */
  close(): Promise<void> {
    return this.runner.close();
  }

  private context() {
    return {
      runner: this.runner,
      catalog: this.catalog,
      pageSize: this.pageSize,
      foldersPerPage: this.foldersPerPage,
    };
  }
}

function positive(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`ImapMailSource: ${name} must be a whole number of at least 1`);
  return value;
}
