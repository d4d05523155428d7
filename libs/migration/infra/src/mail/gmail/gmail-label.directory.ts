import type { MailboxRef } from '@ferry/migration/application';
import { ProviderError } from '@ferry/providers/core';
import { type GmailApi, isExpectedStatus } from './gmail-api';

/** How long a mailbox's label list is trusted before it is read again. */
const LABELS_TTL_MS = 5 * 60_000;
/** Mailboxes whose labels are kept at once per worker (a worker serves a few mailboxes at a time). */
const MAX_MAILBOXES = 256;

interface LabelMap {
  readonly at: number;
  /** Lower-cased name -> id: Gmail refuses a second label whose name differs only in case. */
  readonly ids: Map<string, string>;
}

/**
 * User labels of target mailboxes by name, created when missing. The list is cached per mailbox for a
 * few minutes (a pass resolves the same labels for every message); `forget` drops it when Gmail says a
 * label is gone.
 */
export class GmailLabelDirectory {
  private readonly maps = new Map<string, Promise<LabelMap>>();

  constructor(private readonly api: GmailApi) {}

  forget(mailbox: MailboxRef): void {
    this.maps.delete(keyOf(mailbox));
  }

  /** Ids for `names` (parents listed before children), creating the missing ones in that order. */
  async resolve(
    mailbox: MailboxRef,
    names: readonly string[],
    signal: AbortSignal,
  ): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    let map = await this.labels(mailbox, signal);
    for (const name of names) {
      let id = map.ids.get(name.toLowerCase());
      if (id === undefined) {
        id = await this.create(mailbox, name, signal);
        if (id === undefined) {
          // Another worker made it meanwhile (409): read the list again.
          this.forget(mailbox);
          map = await this.labels(mailbox, signal);
          id = map.ids.get(name.toLowerCase());
          if (id === undefined)
            throw new ProviderError(
              'provider-error',
              'Gmail labels.create answered 409 for a label it does not list',
            );
        }
        map.ids.set(name.toLowerCase(), id);
      }
      out.set(name, id);
    }
    return out;
  }

  private labels(mailbox: MailboxRef, signal: AbortSignal): Promise<LabelMap> {
    const key = keyOf(mailbox);
    const cached = this.maps.get(key);
    if (cached)
      return cached.then((map) =>
        Date.now() - map.at < LABELS_TTL_MS ? map : this.reload(key, mailbox, signal),
      );
    return this.reload(key, mailbox, signal);
  }

  private reload(key: string, mailbox: MailboxRef, signal: AbortSignal): Promise<LabelMap> {
    if (this.maps.size >= MAX_MAILBOXES) this.maps.clear();
    const loading = this.api
      .call(mailbox, 'labels.list', signal, (gmail, options) =>
        gmail.users.labels.list({ userId: 'me', fields: 'labels(id,name,type)' }, options),
      )
      .then((answer) => {
        const ids = new Map<string, string>();
        if (!isExpectedStatus(answer))
          for (const label of answer.labels ?? [])
            if (label.type === 'user' && label.id && label.name) ids.set(label.name.toLowerCase(), label.id);
        return { at: Date.now(), ids };
      });
    this.maps.set(key, loading);
    // A failed read is not kept: the next caller tries again.
    loading.catch(() => {
      if (this.maps.get(key) === loading) this.maps.delete(key);
    });
    return loading;
  }

  /** Creates a label; undefined when Gmail says it exists (409). */
  private async create(mailbox: MailboxRef, name: string, signal: AbortSignal): Promise<string | undefined> {
    const answer = await this.api.call(
      mailbox,
      'labels.create',
      signal,
      (gmail, options) =>
        gmail.users.labels.create(
          {
            userId: 'me',
            fields: 'id',
            requestBody: { name, labelListVisibility: 'labelShow', messageListVisibility: 'show' },
          },
          options,
        ),
      [409],
    );
    if (isExpectedStatus(answer)) return undefined;
    if (!answer.id) throw new ProviderError('provider-error', 'Gmail labels.create answered without an id');
    return answer.id;
  }
}

function keyOf(mailbox: MailboxRef): string {
  return `${mailbox.connectorId}\u0000${mailbox.pseudonym}`;
}
