import type { Readable } from 'node:stream';
import {
  type ChangePage,
  CursorExpiredError,
  type ItemPage,
  ItemRejectedError,
  type MailboxRef,
  type MailSource,
} from '@ferry/migration/application';
import type { SourceFolder, SourceItemSummary } from '@ferry/migration/domain';
import { type GraphMailConnection, GraphMailApi } from './graph-mail.api';
import {
  decodeCursor,
  decodePageState,
  encodeCursor,
  encodePageState,
  type GraphCursor,
  type GraphPageState,
} from './graph-page.token';
import { listGraphFolders } from './graph-source.folders';
import {
  type GraphMessageSummaryJson,
  SUMMARY_QUERY,
  SUMMARY_SELECT,
  summaryOf,
} from './graph-summary.mapper';

export interface GraphMailSourceOptions {
  /** Messages per enumeration request (default 250, Graph allows 1000). */
  readonly pageSize?: number;
  /** Entries per delta request (default 500, through `Prefer: odata.maxpagesize`). */
  readonly deltaPageSize?: number;
  /** Requests one `enumerate`/`changes` call may make before it returns a page (default 10). */
  readonly requestsPerPage?: number;
}

interface ListPage<T> {
  readonly value?: readonly T[];
  readonly '@odata.nextLink'?: string;
  readonly '@odata.deltaLink'?: string;
}

/** How many summaries are read at once (Outlook allows 4 concurrent requests per mailbox). */
const SUMMARY_CONCURRENCY = 4;

/**
 * Microsoft 365 as a mail source, through Graph. Enumeration reads every visible folder's messages
 * (summaries only); the change feed is `messages/delta` per folder, its cursor every folder's delta
 * link; a folder new since the cursor is read in full. Ids are immutable, so a move within the
 * mailbox keeps the id: a message a folder reports `@removed` that still exists elsewhere is reported
 * changed (its new folder), not removed. MIME is streamed from `$value`.
 */
export class GraphMailSource implements MailSource {
  readonly api: GraphMailApi;
  private readonly pageSize: number;
  private readonly deltaPageSize: number;
  private readonly requestsPerPage: number;

  constructor(connection: GraphMailConnection, options: GraphMailSourceOptions = {}) {
    this.api = new GraphMailApi(connection);
    this.pageSize = options.pageSize ?? 250;
    this.deltaPageSize = options.deltaPageSize ?? 500;
    this.requestsPerPage = options.requestsPerPage ?? 10;
  }

  listFolders(mailbox: MailboxRef, signal: AbortSignal): Promise<SourceFolder[]> {
    return listGraphFolders(this.api, mailbox, signal);
  }

  async currentCursor(mailbox: MailboxRef, signal: AbortSignal): Promise<string> {
    const cursor: Record<string, string> = {};
    for (const folder of await this.listFolders(mailbox, signal)) {
      // A full delta round with nothing kept but where it ends: the cost is one request per page of ids.
      for (let link: string | undefined = this.deltaStart(mailbox, folder.id); link;) {
        const page = await this.deltaPage(mailbox, link, signal);
        if (!page) break;
        link = page['@odata.nextLink'];
        const end = page['@odata.deltaLink'];
        if (end) cursor[folder.id] = this.compact(mailbox, folder.id, end);
      }
    }
    return encodeCursor(cursor);
  }

  async enumerate(
    mailbox: MailboxRef,
    pageToken: string | undefined,
    signal: AbortSignal,
  ): Promise<ItemPage> {
    let state: GraphPageState = pageToken
      ? decodePageState(pageToken)
      : { r: (await this.listFolders(mailbox, signal)).map((f) => f.id) };
    const items: SourceItemSummary[] = [];
    for (
      let requests = 0;
      state.r.length > 0 && items.length === 0 && requests < this.requestsPerPage;
      requests++
    ) {
      const folder = state.r[0] ?? '';
      const path =
        state.l ??
        `${this.api.user(mailbox)}/mailFolders/${encodeURIComponent(folder)}/messages?${SUMMARY_QUERY}&$top=${this.pageSize}`;
      const res = await this.api.json<ListPage<GraphMessageSummaryJson>>(
        mailbox,
        { method: 'GET', path, accept: [404] },
        signal,
      );
      // A folder deleted since the walk began has nothing left to copy.
      for (const m of res.status === 404 ? [] : (res.body?.value ?? [])) items.push(summaryOf(m));
      const next = res.status === 404 ? undefined : res.body?.['@odata.nextLink'];
      state = next ? { r: state.r, l: next } : { r: state.r.slice(1) };
    }
    return { items, ...(state.r.length > 0 ? { next: encodePageState(state) } : {}) };
  }

  async changes(
    mailbox: MailboxRef,
    cursor: string,
    pageToken: string | undefined,
    signal: AbortSignal,
  ): Promise<ChangePage> {
    const since = decodeCursor(cursor);
    let state: GraphPageState = pageToken
      ? decodePageState(pageToken)
      : { r: (await this.listFolders(mailbox, signal)).map((f) => f.id), c: {} };
    const changed: SourceItemSummary[] = [];
    const gone: string[] = [];
    for (
      let requests = 0;
      state.r.length > 0 && changed.length + gone.length === 0 && requests < this.requestsPerPage;
      requests++
    ) {
      const folder = state.r[0] ?? '';
      const known = since[folder];
      const link =
        state.l ??
        (known !== undefined ? this.expand(mailbox, folder, known) : this.deltaStart(mailbox, folder));
      const page = await this.deltaPage(mailbox, link, signal);
      for (const m of page?.value ?? []) {
        if (m['@removed'] !== undefined) gone.push(m.id);
        else changed.push(summaryOf(m));
      }
      const next = page?.['@odata.nextLink'];
      const end = page?.['@odata.deltaLink'];
      const collected = { ...state.c, ...(end ? { [folder]: this.compact(mailbox, folder, end) } : {}) };
      state = next ? { r: state.r, l: next, c: collected } : { r: state.r.slice(1), c: collected };
    }
    // With immutable ids a message moved to another folder is `@removed` here and new there. The
    // folder it went to reports it when this walk covers that folder (walked already or still to come),
    // so it is reported from here only when it left the walk's reach: never twice in one pass.
    const read = await this.summaries(mailbox, gone, signal);
    const removed = gone.filter((_, i) => read[i] === null);
    const walked = new Set([...state.r, ...Object.keys(state.c ?? {})]);
    for (const s of read) if (s && !s.folderIds.some((id) => walked.has(id))) changed.push(s);
    const last = state.r.length === 0;
    return {
      changed,
      removed,
      ...(last ? { cursor: encodeCursor(state.c ?? {}) } : { next: encodePageState(state) }),
    };
  }

  async summaries(
    mailbox: MailboxRef,
    sourceIds: readonly string[],
    signal: AbortSignal,
  ): Promise<(SourceItemSummary | null)[]> {
    const out: (SourceItemSummary | null)[] = [];
    for (let i = 0; i < sourceIds.length; i += SUMMARY_CONCURRENCY) {
      const batch = sourceIds.slice(i, i + SUMMARY_CONCURRENCY).map(async (id) => {
        const res = await this.api.json<GraphMessageSummaryJson>(
          mailbox,
          {
            method: 'GET',
            path: `${this.api.user(mailbox)}/messages/${encodeURIComponent(id)}?${SUMMARY_QUERY}`,
            accept: [400, 404],
          },
          signal,
        );
        // 400 ErrorInvalidIdMalformed: an id that cannot exist is gone as well.
        return res.status === 200 && res.body ? summaryOf(res.body) : null;
      });
      out.push(...(await Promise.all(batch)));
    }
    return out;
  }

  async openMime(mailbox: MailboxRef, sourceId: string, signal: AbortSignal): Promise<Readable> {
    const res = await this.api.send(
      mailbox,
      { authenticated: true, accept: [404] },
      (authorization) => ({
        method: 'GET',
        url: this.api.url(`${this.api.user(mailbox)}/messages/${encodeURIComponent(sourceId)}/$value`),
        headers: { authorization: authorization ?? '' },
      }),
      signal,
    );
    if (res.status === 404) {
      res.body.resume();
      throw new ItemRejectedError('gone-from-source', 'the message is no longer in the source mailbox');
    }
    return res.body;
  }

  /** One delta page; 410 means the token expired (the caller enumerates), 404 that the folder is gone. */
  private async deltaPage(
    mailbox: MailboxRef,
    link: string,
    signal: AbortSignal,
  ): Promise<ListPage<GraphMessageSummaryJson> | undefined> {
    const res = await this.api.json<ListPage<GraphMessageSummaryJson>>(
      mailbox,
      { method: 'GET', path: link, prefer: [`odata.maxpagesize=${this.deltaPageSize}`], accept: [404, 410] },
      signal,
    );
    if (res.status === 410)
      throw new CursorExpiredError('Microsoft Graph no longer knows the delta token (410)');
    return res.status === 404 ? undefined : res.body;
  }

  private deltaPath(mailbox: MailboxRef, folderId: string): string {
    return `${this.api.user(mailbox)}/mailFolders/${encodeURIComponent(folderId)}/messages/delta`;
  }

  private deltaStart(mailbox: MailboxRef, folderId: string): string {
    return `${this.deltaPath(mailbox, folderId)}?$select=${SUMMARY_SELECT}`;
  }

  /** A delta link as the cursor keeps it: its query when it is the folder's usual path (the link otherwise). */
  private compact(mailbox: MailboxRef, folderId: string, deltaLink: string): string {
    const link = new URL(this.api.url(deltaLink));
    return link.pathname === new URL(this.api.url(this.deltaPath(mailbox, folderId))).pathname
      ? link.search
      : link.toString();
  }

  private expand(mailbox: MailboxRef, folderId: string, kept: GraphCursor[string]): string {
    return kept.startsWith('?') ? `${this.deltaPath(mailbox, folderId)}${kept}` : kept;
  }
}
