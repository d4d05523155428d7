import {
  ItemRejectedError,
  type MailboxRef,
  type MailTarget,
  type MessageToWrite,
  type MessageUpdate,
  type WrittenMessage,
} from '@ferry/migration/application';
import type { TargetPlacement } from '@ferry/migration/domain';
import { ProviderError } from '@ferry/providers/core';
import {
  ferryHeaderLines,
  headerSectionEnd,
  lineEndingOf,
  messageIdOf,
  syntheticMessageId,
} from './ferry-headers';
import { GmailApi, type GmailConnection, isExpectedStatus } from './gmail-api';
import { GmailCopyFinder } from './gmail-copy.finder';
import {
  DEFAULT_IMPORT_LIMITS,
  GmailImporter,
  type GmailImportLimits,
  ImportTooLargeError,
} from './gmail-import';
import { GmailLabelDirectory } from './gmail-label.directory';
import { isManagedLabel, placedUserLabelNames, systemLabelIds, userLabelNames } from './gmail-labels.mapper';
import { SourceMimeReader } from './source-mime.reader';

/** A header section is read this far for its Message-ID and line endings (Gmail's own cap is lower). */
const HEAD_BYTES = 256 * 1024;

/** Tuning for the Gmail target. */
export interface GmailTargetOptions {
  readonly limits?: Partial<GmailImportLimits>;
}

/**
 * Gmail as a migration target: `messages.import` of the original MIME (dated by its Date header),
 * labels for folders, roles and state, and an `X-Ferry-Item` header with the idempotency key on every
 * copy so that a retry finds the copy an earlier attempt made.
 */
export class GmailTarget implements MailTarget {
  private readonly api: GmailApi;
  private readonly labels: GmailLabelDirectory;
  private readonly finder: GmailCopyFinder;
  private readonly importer: GmailImporter;

  constructor(connection: GmailConnection, options: GmailTargetOptions = {}) {
    this.api = new GmailApi(connection);
    this.labels = new GmailLabelDirectory(this.api);
    this.finder = new GmailCopyFinder(this.api);
    this.importer = new GmailImporter(this.api, { ...DEFAULT_IMPORT_LIMITS, ...options.limits });
  }

  async prepare(
    mailbox: MailboxRef,
    placements: readonly TargetPlacement[],
    signal: AbortSignal,
  ): Promise<void> {
    const names = [...new Set(placements.flatMap(userLabelNames))];
    await this.labels.resolve(mailbox, names, signal);
  }

  /**
   * The copy of an item whose source had no Message-ID (Ferry gave it `<key@ferry.invalid>`). Gmail can
   * search Message-IDs only, and this port passes the key alone, so a copy of a message with its own
   * Message-ID is found by `write`, which reads that id from the MIME before it uploads anything.
   */
  find(mailbox: MailboxRef, key: string, signal: AbortSignal): Promise<string | null> {
    return this.finder.find(mailbox, key, syntheticMessageId(key), signal);
  }

  async write(mailbox: MailboxRef, message: MessageToWrite, signal: AbortSignal): Promise<WrittenMessage> {
    for (let labelsRenewed = false; ; labelsRenewed = true) {
      const reader = new SourceMimeReader(await message.openMime(signal));
      try {
        const head = await reader.peek(HEAD_BYTES, headerSectionEnd);
        const original = messageIdOf(head);
        const searchAs = original ?? syntheticMessageId(message.key);
        // A copy an earlier attempt made (the worker died before recording it) is taken, not made twice.
        // The worker says when one may exist (a redelivery); a first attempt spares the search's quota.
        const existing = message.mayExist === false ? null : await this.finder.find(mailbox, message.key, searchAs, signal);
        if (existing !== null) {
          await reader.drain();
          return { targetId: existing, bytes: 0, contentHash: reader.digest() };
        }
        const labelIds = await this.labelIds(mailbox, message.placement, signal);
        const prefix = ferryHeaderLines(message.key, original, lineEndingOf(head));
        const outcome = await this.importer.import(mailbox, labelIds, reader, prefix, signal, () =>
          this.finder.find(mailbox, message.key, searchAs, signal),
        );
        return { targetId: outcome.id, bytes: outcome.bytes, contentHash: reader.digest() };
      } catch (error) {
        reader.close();
        if (error instanceof ImportTooLargeError) throw new ItemRejectedError('too-large', error.message);
        const status = error instanceof ProviderError ? error.details.status : undefined;
        if (error instanceof ProviderError && error.code === 'invalid-input' && status === 413)
          throw new ItemRejectedError('too-large', 'Gmail refused the message as too large (413)');
        // A label deleted on the target since it was listed: list again once, then it is the message.
        if (
          error instanceof ProviderError &&
          error.code === 'invalid-input' &&
          status === 400 &&
          !labelsRenewed
        ) {
          this.labels.forget(mailbox);
          continue;
        }
        if (error instanceof ProviderError && error.code === 'invalid-input' && status === 400)
          throw new ItemRejectedError(
            'refused-by-target',
            `Gmail refused the message (400${error.details.providerCode ? ` ${error.details.providerCode}` : ''})`,
          );
        throw error;
      }
    }
  }

  async update(mailbox: MailboxRef, update: MessageUpdate, signal: AbortSignal): Promise<void> {
    const current = await this.api.call(
      mailbox,
      'messages.get',
      signal,
      (gmail, options) =>
        gmail.users.messages.get(
          { userId: 'me', id: update.targetId, format: 'minimal', fields: 'labelIds' },
          options,
        ),
      [404],
    );
    if (isExpectedStatus(current))
      throw new ItemRejectedError('refused-by-target', 'the copy is no longer in the Gmail mailbox (404)');
    const have = current.labelIds ?? [];
    const want = await this.labelIds(mailbox, update.placement, signal);
    // DRAFT cannot be set or cleared by messages.modify; labels Ferry does not manage (CATEGORY_*) stay.
    const addLabelIds = want.filter((l) => l !== 'DRAFT' && !have.includes(l));
    const removeLabelIds = have.filter((l) => isManagedLabel(l) && !want.includes(l));
    if (addLabelIds.length === 0 && removeLabelIds.length === 0) return;
    const modified = await this.api.call(
      mailbox,
      'messages.modify',
      signal,
      (gmail, options) =>
        gmail.users.messages.modify(
          { userId: 'me', id: update.targetId, fields: 'id', requestBody: { addLabelIds, removeLabelIds } },
          options,
        ),
      [404],
    );
    if (isExpectedStatus(modified))
      throw new ItemRejectedError('refused-by-target', 'the copy is no longer in the Gmail mailbox (404)');
  }

  async remove(mailbox: MailboxRef, targetId: string, signal: AbortSignal): Promise<void> {
    // A copy already gone (404) is what was asked for.
    await this.api.call(
      mailbox,
      'messages.trash',
      signal,
      (gmail, options) => gmail.users.messages.trash({ userId: 'me', id: targetId, fields: 'id' }, options),
      [404],
    );
  }

  /** The label ids a placement puts on a copy: role, state, and its user labels (created when missing). */
  private async labelIds(
    mailbox: MailboxRef,
    placement: TargetPlacement,
    signal: AbortSignal,
  ): Promise<string[]> {
    const ids = await this.labels.resolve(mailbox, userLabelNames(placement), signal);
    const user = placedUserLabelNames(placement)
      .map((name) => ids.get(name) ?? '')
      .filter((id) => id !== '');
    return [...systemLabelIds(placement), ...user];
  }
}
