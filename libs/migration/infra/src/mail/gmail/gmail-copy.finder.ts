import type { MailboxRef } from '@ferry/migration/application';
import { type GmailApi, isExpectedStatus } from './gmail-api';
import { FERRY_ITEM_HEADER, searchableMessageId } from './ferry-headers';
import { inOrder } from './in-order';

/** Copies of one Message-ID that are read for their Ferry header, at most (a message is rarely in a mailbox twice). */
const MAX_CANDIDATES = 20;

/**
 * Finds the copy of an item in a Gmail mailbox: Gmail cannot search a custom header, so the copy is
 * looked up by its Message-ID (`rfc822msgid:`, spam and trash included) and each candidate is read
 * (`format=metadata`) for an `X-Ferry-Item` header carrying the key. A copy is complete or absent:
 * `messages.import` files nothing until the upload finished.
 */
export class GmailCopyFinder {
  constructor(private readonly api: GmailApi) {}

  async find(
    mailbox: MailboxRef,
    key: string,
    messageId: string,
    signal: AbortSignal,
  ): Promise<string | null> {
    if (!searchableMessageId(messageId)) return null;
    const listed = await this.api.call(mailbox, 'messages.list', signal, (gmail, options) =>
      gmail.users.messages.list(
        {
          userId: 'me',
          q: `rfc822msgid:${messageId}`,
          includeSpamTrash: true,
          maxResults: MAX_CANDIDATES,
          fields: 'messages(id)',
        },
        options,
      ),
    );
    const ids = isExpectedStatus(listed)
      ? []
      : (listed.messages ?? []).map((m) => m.id ?? '').filter((id) => id !== '');
    const carrying = await inOrder(ids, 4, async (id) => {
      const message = await this.api.call(
        mailbox,
        'messages.get',
        signal,
        (gmail, options) =>
          gmail.users.messages.get(
            {
              userId: 'me',
              id,
              format: 'metadata',
              metadataHeaders: [FERRY_ITEM_HEADER],
              fields: 'id,payload/headers',
            },
            options,
          ),
        [404],
      );
      if (isExpectedStatus(message)) return false;
      return (message.payload?.headers ?? []).some(
        (h) => h.name?.toLowerCase() === FERRY_ITEM_HEADER.toLowerCase() && h.value?.trim() === key,
      );
    });
    const index = carrying.indexOf(true);
    return index < 0 ? null : (ids[index] ?? null);
  }
}
