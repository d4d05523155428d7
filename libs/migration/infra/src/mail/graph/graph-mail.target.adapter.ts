import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  ItemRejectedError,
  type MailboxRef,
  type MailTarget,
  type MessageToWrite,
  type MessageUpdate,
  type WrittenMessage,
} from '@ferry/migration/application';
import { graphWellKnownOfRole, isIdempotencyKey, type TargetPlacement } from '@ferry/migration/domain';
import { ProviderError, responseError } from '@ferry/providers/core';
import { DEFAULT_RETRY_POLICY, jitteredDelay } from '../../throttle/governed-call';
import { type MimeScanResult, scanMime } from '../mime/mime-scan';
import {
  GRAPH_MAX_ATTACHMENT,
  GraphAttachmentUploader,
  INLINE_ATTACHMENT_LIMIT,
} from './graph-attachments.uploader';
import { type GraphMailConnection, GraphMailApi, IMMUTABLE_IDS } from './graph-mail.api';
import {
  fileAttachmentBytes,
  graphCreateBody,
  graphMessageJson,
  type HeldAttachment,
} from './graph-message.builder';
import {
  expandProperties,
  FERRY_COMPLETE,
  FERRY_ITEM_KEY,
  ICON_REPLIED,
  PID_ICON_INDEX,
  PID_LAST_VERB,
  propertyValue,
  VERB_REPLY,
} from './graph-properties';
import { GraphTargetFolders } from './graph-target.folders';

/** Graph's cap on one request body is 4 MB; Ferry keeps some room under it. */
const REQUEST_BUDGET = 4 * 1024 * 1024 - 64 * 1024;

export interface GraphMailTargetOptions {
  /**
   * Attachment bytes held in memory per message on the first read of its MIME (default 3 MiB). What
   * fits goes into the create request (or is posted right after it); larger attachments are counted,
   * not kept, and streamed on a second read into upload sessions.
   */
  readonly heldAttachmentBytes?: number;
  /** Upload-session range (default 3.75 MiB = 12 x 320 KiB, under Graph's 4 MB per request). */
  readonly uploadChunkBytes?: number;
  /** Raw MIME outside attachments a message may have (default 8 MiB; the body must fit a 4 MB request). */
  readonly maxTextBytes?: number;
  /** Largest attachment taken (default Graph's 150 MB); a larger one fails the item as too large. */
  readonly maxAttachmentBytes?: number;
  /** Mailboxes whose folder ids are cached (default 256). */
  readonly cachedMailboxes?: number;
}

interface Found {
  readonly id: string;
  readonly complete: boolean;
}

/** What the first read of a message decided. */
interface FirstRead {
  readonly scan: MimeScanResult;
  readonly held: HeldAttachment[];
  readonly deferred: Map<number, number>;
}

/**
 * Microsoft 365 as a mail target, through Graph only. A copy is created as JSON (a MIME upload would
 * be a draft), with the original header block, dates, state and Ferry's idempotency key; attachments
 * that do not fit the create request follow it (posted, or streamed into upload sessions on a second
 * read of the MIME), and only then is the completion marker set, so `find` tells a complete copy from
 * one a crash left half-made. Ids are immutable, so a copy keeps its id when it moves.
 */
export class GraphMailTarget implements MailTarget {
  readonly api: GraphMailApi;
  readonly folders: GraphTargetFolders;
  private readonly uploader: GraphAttachmentUploader;
  private readonly heldLimit: number;
  private readonly maxTextBytes: number;
  private readonly maxAttachment: number;

  constructor(connection: GraphMailConnection, options: GraphMailTargetOptions = {}) {
    this.api = new GraphMailApi(connection);
    this.folders = new GraphTargetFolders(this.api, options.cachedMailboxes);
    this.uploader = new GraphAttachmentUploader(this.api, options.uploadChunkBytes ?? 12 * 320 * 1024);
    this.heldLimit = options.heldAttachmentBytes ?? 3 * 1024 * 1024;
    this.maxTextBytes = options.maxTextBytes ?? 8 * 1024 * 1024;
    this.maxAttachment = Math.min(options.maxAttachmentBytes ?? GRAPH_MAX_ATTACHMENT, GRAPH_MAX_ATTACHMENT);
  }

  async prepare(
    mailbox: MailboxRef,
    placements: readonly TargetPlacement[],
    signal: AbortSignal,
  ): Promise<void> {
    // In order, so a parent shared by several placements is created once, before its children.
    for (const placement of placements) await this.folders.resolve(mailbox, placement, signal);
  }

  async find(mailbox: MailboxRef, key: string, signal: AbortSignal): Promise<string | null> {
    const found = await this.lookup(mailbox, key, signal);
    // Every worker keeps the same copy (the smallest id), so two finds racing never remove both.
    const keep = found.filter((f) => f.complete).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))[0];
    for (const f of found) if (f !== keep) await this.delete(mailbox, f.id, signal);
    return keep?.id ?? null;
  }

  async write(mailbox: MailboxRef, message: MessageToWrite, signal: AbortSignal): Promise<WrittenMessage> {
    if (!isIdempotencyKey(message.key))
      throw new ItemRejectedError('internal', 'the idempotency key is malformed');
    const first = await this.firstRead(message, signal);
    // Sized with the completion marker, which only makes it longer; usually that is the JSON sent.
    let json = JSON.stringify(graphMessageJson(first.scan, message, true));
    const base = Buffer.byteLength(json);
    if (base > REQUEST_BUDGET)
      throw new ItemRejectedError(
        'too-large',
        `the message body needs ${base} bytes, over Graph's 4 MB request limit`,
      );
    // Held attachments go into the create request while it stays under the cap; the rest follow it.
    const inline: HeldAttachment[] = [];
    const posted: HeldAttachment[] = [];
    let size = base + ',"attachments":[]'.length;
    for (const a of first.held) {
      const extra = fileAttachmentBytes(a) + 1;
      if (size + extra <= REQUEST_BUDGET) {
        inline.push(a);
        size += extra;
      } else posted.push(a);
    }
    const complete = posted.length === 0 && first.deferred.size === 0;
    if (!complete) json = JSON.stringify(graphMessageJson(first.scan, message, false));
    const body = graphCreateBody(json, inline);
    const targetId = await this.create(mailbox, message, body, signal);
    let bytes = body.length;
    if (!complete) {
      for (const a of posted) bytes += await this.uploader.post(mailbox, targetId, a, signal);
      if (first.deferred.size > 0) bytes += await this.secondRead(mailbox, message, targetId, first, signal);
      const have = await this.uploader.count(mailbox, targetId, signal);
      if (have !== first.held.length + first.deferred.size)
        throw new ProviderError(
          'provider-error',
          `the copy has ${have} of ${first.held.length + first.deferred.size} attachments`,
        );
      await this.patch(
        mailbox,
        targetId,
        { singleValueExtendedProperties: [{ id: FERRY_COMPLETE, value: '1' }] },
        signal,
      );
    }
    return { targetId, bytes, contentHash: first.scan.sha256 };
  }

  async update(mailbox: MailboxRef, update: MessageUpdate, signal: AbortSignal): Promise<void> {
    const { placement } = update;
    const state = placement.state;
    const patched = await this.patch(
      mailbox,
      update.targetId,
      {
        isRead: state.read,
        flag: { flagStatus: state.flagged ? 'flagged' : 'notFlagged' },
        importance: state.importance,
        categories: [...placement.extraLabels],
        ...(state.answered
          ? {
              singleValueExtendedProperties: [
                { id: PID_LAST_VERB, value: String(VERB_REPLY) },
                { id: PID_ICON_INDEX, value: String(ICON_REPLIED) },
              ],
            }
          : {}),
      },
      signal,
    );
    if (!patched) throw new ItemRejectedError('refused-by-target', 'the copy is no longer on the target');
    let folderId = await this.folders.resolve(mailbox, placement, signal);
    if (patched.parentFolderId === folderId) return;
    if (!(await this.move(mailbox, update.targetId, folderId, signal))) {
      // The cached folder may have been deleted on the target: look it up again, once.
      this.folders.forget(mailbox, placement);
      folderId = await this.folders.resolve(mailbox, placement, signal);
      if (!(await this.move(mailbox, update.targetId, folderId, signal)))
        throw new ItemRejectedError('refused-by-target', 'the copy is no longer on the target');
    }
  }

  async remove(mailbox: MailboxRef, targetId: string, signal: AbortSignal): Promise<void> {
    await this.move(mailbox, targetId, graphWellKnownOfRole('deleted'), signal);
  }

  /**
   * First read: headers, bodies and attachments that fit `heldLimit`; larger ones counted only. A
   * message within `heldLimit` is read into memory whole (see `scanMime`'s `bufferBytes`).
   */
  private async firstRead(message: MessageToWrite, signal: AbortSignal): Promise<FirstRead> {
    const held: HeldAttachment[] = [];
    const deferred = new Map<number, number>();
    let heldBytes = 0;
    const scan = await scanMime(
      await message.openMime(signal),
      async (info, content) => {
        let parts: Buffer[] | undefined = [];
        let size = 0;
        for await (const chunk of content as AsyncIterable<Buffer>) {
          size += chunk.length;
          if (size > this.maxAttachment)
            throw new ItemRejectedError(
              'too-large',
              `an attachment is larger than ${this.maxAttachment} bytes`,
            );
          if (parts && (size >= INLINE_ATTACHMENT_LIMIT || heldBytes + size > this.heldLimit))
            parts = undefined;
          parts?.push(chunk);
        }
        if (parts) {
          held.push({
            info,
            content: parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts, size),
          });
          heldBytes += size;
        } else deferred.set(info.index, size);
      },
      // A message that fits what may be held is read whole first: its attachments are held anyway.
      { maxTextBytes: this.maxTextBytes, bufferBytes: this.heldLimit },
    );
    return { scan, held, deferred };
  }

  /** Second read: streams each deferred attachment to the copy; the source must read the same. */
  private async secondRead(
    mailbox: MailboxRef,
    message: MessageToWrite,
    targetId: string,
    first: FirstRead,
    signal: AbortSignal,
  ): Promise<number> {
    let bytes = 0;
    const scan = await scanMime(
      await message.openMime(signal),
      async (info, content: Readable) => {
        const size = first.deferred.get(info.index);
        if (size === undefined) return;
        if (size >= INLINE_ATTACHMENT_LIMIT) {
          bytes += await this.uploader.upload(mailbox, targetId, info, size, content, signal);
          return;
        }
        const parts: Buffer[] = [];
        for await (const chunk of content as AsyncIterable<Buffer>) parts.push(chunk);
        bytes += await this.uploader.post(mailbox, targetId, { info, content: Buffer.concat(parts) }, signal);
      },
      { maxTextBytes: this.maxTextBytes },
    );
    if (scan.sha256 !== first.scan.sha256)
      throw new ProviderError('provider-error', 'the source message changed between two reads');
    return bytes;
  }

  /**
   * Creates the message in its folder. A create whose outcome is unknown (the connection broke, a 5xx)
   * is not simply sent again: the key is looked up first, so a copy that did land is taken, not doubled.
   */
  private async create(
    mailbox: MailboxRef,
    message: MessageToWrite,
    body: Buffer,
    signal: AbortSignal,
  ): Promise<string> {
    const policy = this.api.connection.retry ?? DEFAULT_RETRY_POLICY;
    let folderId = await this.folders.resolve(mailbox, message.placement, signal);
    for (let attempt = 0, refreshed = false; ; attempt++) {
      try {
        const res = await this.api.send(
          mailbox,
          { uploadBytes: body.length, authenticated: true, accept: [400, 404, 413], once: true },
          (authorization) => ({
            method: 'POST',
            url: this.api.url(
              `${this.api.user(mailbox)}/mailFolders/${encodeURIComponent(folderId)}/messages`,
            ),
            headers: {
              authorization: authorization ?? '',
              'content-type': 'application/json',
              prefer: IMMUTABLE_IDS,
            },
            body,
          }),
          signal,
        );
        if (res.status === 404 && !refreshed) {
          // A cached folder deleted on the target since: resolve it again, once.
          res.body.resume();
          refreshed = true;
          this.folders.forget(mailbox, message.placement);
          folderId = await this.folders.resolve(mailbox, message.placement, signal);
          continue;
        }
        if (res.status === 400 || res.status === 413) {
          // This message, not the service: Graph refuses it for good (a recipient, a property, its size).
          const refusal = await responseError(res, this.api.url('/'));
          const code = refusal.details.providerCode ? ` (${refusal.details.providerCode})` : '';
          throw new ItemRejectedError(
            res.status === 413 ? 'too-large' : 'refused-by-target',
            `Microsoft Graph refused the copy: ${res.status}${code}`,
          );
        }
        const created = res.status === 404 ? undefined : await this.api.readJson<{ id?: string }>(res);
        if (!created?.id)
          throw new ProviderError('provider-error', 'Microsoft Graph did not create the message', {
            status: res.status,
          });
        return created.id;
      } catch (err) {
        if (!(err instanceof ProviderError) || !err.retryable || attempt >= policy.transientRetries)
          throw err;
        await sleep(jitteredDelay(attempt + 1, policy), undefined, { signal });
        const landed = await this.lookup(mailbox, message.key, signal);
        if (landed[0]) return landed[0].id;
      }
    }
  }

  /** Messages anywhere in the mailbox that carry the key, and whether each is complete. */
  private async lookup(mailbox: MailboxRef, key: string, signal: AbortSignal): Promise<Found[]> {
    if (!isIdempotencyKey(key)) throw new ItemRejectedError('internal', 'the idempotency key is malformed');
    const filter = encodeURIComponent(
      `singleValueExtendedProperties/Any(ep: ep/id eq '${FERRY_ITEM_KEY}' and ep/value eq '${key}')`,
    );
    const expand = encodeURIComponent(expandProperties([FERRY_COMPLETE]));
    const res = await this.api.json<{
      value?: { id: string; singleValueExtendedProperties?: { id: string; value: string }[] }[];
    }>(
      mailbox,
      {
        method: 'GET',
        path: `${this.api.user(mailbox)}/messages?$filter=${filter}&$select=id&$expand=${expand}&$top=25`,
      },
      signal,
    );
    return (res.body?.value ?? []).map((m) => ({
      id: m.id,
      complete: propertyValue(m, FERRY_COMPLETE) === '1',
    }));
  }

  /** PATCHes a message; its new state (parent folder included), or null when it is gone. */
  private async patch(
    mailbox: MailboxRef,
    id: string,
    body: Record<string, unknown>,
    signal: AbortSignal,
  ): Promise<{ parentFolderId?: string } | null> {
    const res = await this.api.json<{ parentFolderId?: string }>(
      mailbox,
      {
        method: 'PATCH',
        path: `${this.api.user(mailbox)}/messages/${encodeURIComponent(id)}`,
        body,
        accept: [404],
      },
      signal,
    );
    return res.status === 404 ? null : (res.body ?? {});
  }

  /** Moves a message; false when it (or the destination) is gone. */
  private async move(
    mailbox: MailboxRef,
    id: string,
    destinationId: string,
    signal: AbortSignal,
  ): Promise<boolean> {
    const res = await this.api.json(
      mailbox,
      {
        method: 'POST',
        path: `${this.api.user(mailbox)}/messages/${encodeURIComponent(id)}/move`,
        body: { destinationId },
        accept: [404],
      },
      signal,
    );
    return res.status !== 404;
  }

  private async delete(mailbox: MailboxRef, id: string, signal: AbortSignal): Promise<void> {
    await this.api.json(
      mailbox,
      {
        method: 'DELETE',
        path: `${this.api.user(mailbox)}/messages/${encodeURIComponent(id)}`,
        accept: [404],
      },
      signal,
    );
  }
}
