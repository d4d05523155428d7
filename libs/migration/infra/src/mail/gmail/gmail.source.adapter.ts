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
import { GmailApi, type GmailConnection, isExpectedStatus } from './gmail-api';
import { folderOfLabel } from './gmail-labels.mapper';
import { rawMessageStream } from './gmail-raw.reader';
import { gmailMessageMeta, SUMMARY_FIELDS, summaryOfMessage } from './gmail-summary.mapper';
import { inOrder } from './in-order';

/** Tuning for the Gmail source. */
export interface GmailSourceOptions {
  /** Messages per enumeration page (messages.list allows up to 500). */
  readonly pageSize?: number;
  /** History records per change page (history.list allows up to 500). */
  readonly historyPageSize?: number;
  /** Metadata reads in flight at once per page (the governor still decides when each is sent). */
  readonly readConcurrency?: number;
}

const DEFAULT_SOURCE_OPTIONS: Required<GmailSourceOptions> = {
  pageSize: 200,
  historyPageSize: 500,
  readConcurrency: 8,
};

/**
 * Gmail as a migration source: labels as folders, every message once with all its labels,
 * `history.list` as the change feed and `format=raw` as the MIME, streamed.
 */
export class GmailSource implements MailSource {
  private readonly api: GmailApi;
  private readonly options: Required<GmailSourceOptions>;

  constructor(connection: GmailConnection, options: GmailSourceOptions = {}) {
    this.api = new GmailApi(connection);
    this.options = { ...DEFAULT_SOURCE_OPTIONS, ...options };
  }

  async listFolders(mailbox: MailboxRef, signal: AbortSignal): Promise<SourceFolder[]> {
    const answer = await this.api.call(mailbox, 'labels.list', signal, (gmail, options) =>
      gmail.users.labels.list({ userId: 'me', fields: 'labels(id,name,type)' }, options),
    );
    if (isExpectedStatus(answer)) return [];
    return (answer.labels ?? []).map(folderOfLabel).filter((f): f is SourceFolder => f !== null);
  }

  async currentCursor(mailbox: MailboxRef, signal: AbortSignal): Promise<string> {
    const answer = await this.api.call(mailbox, 'users.getProfile', signal, (gmail, options) =>
      gmail.users.getProfile({ userId: 'me', fields: 'historyId' }, options),
    );
    const historyId = isExpectedStatus(answer) ? undefined : answer.historyId;
    if (!historyId) throw new CursorExpiredError('gmail profile has no history id');
    return historyId;
  }

  async enumerate(
    mailbox: MailboxRef,
    pageToken: string | undefined,
    signal: AbortSignal,
  ): Promise<ItemPage> {
    const answer = await this.api.call(mailbox, 'messages.list', signal, (gmail, options) =>
      gmail.users.messages.list(
        {
          userId: 'me',
          includeSpamTrash: true,
          maxResults: this.options.pageSize,
          fields: 'messages(id),nextPageToken',
          ...(pageToken === undefined ? {} : { pageToken }),
        },
        options,
      ),
    );
    if (isExpectedStatus(answer)) return { items: [] };
    const ids = (answer.messages ?? []).map((m) => m.id ?? '').filter((id) => id !== '');
    // A message deleted between the list and its read is left out: the next delta pass sees it gone.
    const items = (await this.summaries(mailbox, ids, signal)).filter(
      (s): s is SourceItemSummary => s !== null,
    );
    return { items, ...(answer.nextPageToken ? { next: answer.nextPageToken } : {}) };
  }

  async changes(
    mailbox: MailboxRef,
    cursor: string,
    pageToken: string | undefined,
    signal: AbortSignal,
  ): Promise<ChangePage> {
    if (!/^\d{1,19}$/.test(cursor)) throw new CursorExpiredError('gmail cursor is not a history id');
    const answer = await this.api.call(
      mailbox,
      'history.list',
      signal,
      (gmail, options) =>
        gmail.users.history.list(
          {
            userId: 'me',
            startHistoryId: cursor,
            maxResults: this.options.historyPageSize,
            ...(pageToken === undefined ? {} : { pageToken }),
          },
          options,
        ),
      // Gmail answers 404 for a start point older than its history (about a week): enumerate instead.
      [404],
    );
    if (isExpectedStatus(answer)) throw new CursorExpiredError('gmail history answered 404');
    const touched = new Map<string, 'changed' | 'removed'>();
    const mark = (id: string | null | undefined, how: 'changed' | 'removed') => {
      if (id && touched.get(id) !== 'removed') touched.set(id, how);
    };
    for (const record of answer.history ?? []) {
      for (const added of record.messagesAdded ?? []) mark(added.message?.id, 'changed');
      for (const labelled of [...(record.labelsAdded ?? []), ...(record.labelsRemoved ?? [])])
        mark(labelled.message?.id, 'changed');
      for (const deleted of record.messagesDeleted ?? []) mark(deleted.message?.id, 'removed');
    }
    const changedIds = [...touched].filter(([, how]) => how === 'changed').map(([id]) => id);
    const removed = [...touched].filter(([, how]) => how === 'removed').map(([id]) => id);
    const current = await this.summaries(mailbox, changedIds, signal);
    const changed: SourceItemSummary[] = [];
    current.forEach((summary, i) => {
      if (summary) changed.push(summary);
      else removed.push(changedIds[i] ?? '');
    });
    const last = !answer.nextPageToken;
    return {
      changed,
      removed,
      ...(last ? {} : { next: answer.nextPageToken ?? '' }),
      ...(last && answer.historyId ? { cursor: answer.historyId } : {}),
    };
  }

  summaries(
    mailbox: MailboxRef,
    sourceIds: readonly string[],
    signal: AbortSignal,
  ): Promise<(SourceItemSummary | null)[]> {
    // One call per message: through the streaming transport, not googleapis (see `GmailApi.getJson`).
    return inOrder(sourceIds, this.options.readConcurrency, async (id) => {
      const answer = await this.api.getJson<unknown>(
        mailbox,
        'messages.get',
        signal,
        this.api.url(`gmail/v1/users/me/messages/${encodeURIComponent(id)}`, {
          format: 'minimal',
          fields: SUMMARY_FIELDS,
        }),
        [404],
      );
      return isExpectedStatus(answer) ? null : summaryOfMessage(gmailMessageMeta(answer));
    });
  }

  /** `format=raw`, streamed: the JSON answer is tokenised and its base64url decoded as it arrives. */
  async openMime(mailbox: MailboxRef, sourceId: string, signal: AbortSignal): Promise<Readable> {
    if (!/^[0-9A-Za-z]{1,64}$/.test(sourceId))
      throw new ItemRejectedError('gone-from-source', 'not a Gmail message id');
    const res = await this.api.send(mailbox, 'messages.get', signal, [200, 404], (authorization) => ({
      method: 'GET',
      url: this.api.url(`gmail/v1/users/me/messages/${sourceId}`, { format: 'raw', fields: 'raw' }),
      headers: { authorization, accept: 'application/json', 'accept-encoding': 'identity' },
    }));
    if (res.status === 404) {
      res.body.resume();
      throw new ItemRejectedError('gone-from-source', 'the message is no longer in the Gmail mailbox (404)');
    }
    return rawMessageStream(res.body);
  }
}
