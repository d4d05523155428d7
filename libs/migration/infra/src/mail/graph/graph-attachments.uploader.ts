import type { Readable } from 'node:stream';
import type { MailboxRef } from '@ferry/migration/application';
import { ProviderError } from '@ferry/providers/core';
import { byteChunks } from '../mime/byte-chunks';
import type { MimeAttachmentInfo } from '../mime/mime-scan';
import { attachmentItem, fileAttachmentBody, type HeldAttachment } from './graph-message.builder';
import type { GraphMailApi } from './graph-mail.api';

/** Graph's size bounds for attachments: inline (in JSON) under 3 MB, upload sessions up to 150 MB. */
export const INLINE_ATTACHMENT_LIMIT = 3 * 1024 * 1024;
export const GRAPH_MAX_ATTACHMENT = 150 * 1024 * 1024;

/**
 * Adds attachments to a message already created: small ones posted as JSON one at a time, large ones
 * streamed into an attachment upload session in fixed ranges (one range in memory at a time).
 */
export class GraphAttachmentUploader {
  constructor(
    private readonly api: GraphMailApi,
    private readonly chunkBytes: number,
  ) {}

  /** POSTs one small attachment; returns the bytes sent. */
  async post(
    mailbox: MailboxRef,
    messageId: string,
    attachment: HeldAttachment,
    signal: AbortSignal,
  ): Promise<number> {
    const body = fileAttachmentBody(attachment);
    const res = await this.api.send(
      mailbox,
      { uploadBytes: body.length, authenticated: true },
      (authorization) => ({
        method: 'POST',
        url: this.api.url(`${this.messagePath(mailbox, messageId)}/attachments`),
        headers: { authorization: authorization ?? '', 'content-type': 'application/json' },
        body,
      }),
      signal,
    );
    res.body.resume();
    return body.length;
  }

  /**
   * Streams one attachment of `size` bytes into an upload session. Each range is read into memory
   * (`chunkBytes`), then sent, so a retry can send it again; returns the bytes sent.
   */
  async upload(
    mailbox: MailboxRef,
    messageId: string,
    info: MimeAttachmentInfo,
    size: number,
    content: Readable,
    signal: AbortSignal,
  ): Promise<number> {
    const session = await this.api.json<{ uploadUrl?: string }>(
      mailbox,
      {
        method: 'POST',
        path: `${this.messagePath(mailbox, messageId)}/attachments/createUploadSession`,
        body: { AttachmentItem: { attachmentType: 'file', ...attachmentItem(info), size } },
      },
      signal,
    );
    const uploadUrl = session.body?.uploadUrl;
    if (!uploadUrl)
      throw new ProviderError(
        'provider-error',
        'Microsoft Graph created an upload session without an upload URL',
      );
    let offset = 0;
    for await (const chunk of byteChunks(content, this.chunkBytes)) {
      const range = `bytes ${offset}-${offset + chunk.length - 1}/${size}`;
      if (offset + chunk.length > size)
        throw new ProviderError('provider-error', 'an attachment grew between two reads of the source');
      // The URL is pre-authenticated: no token goes to it. A repeated range that had arrived is a 416,
      // or a 404 for the last one (the session closed with it); the attachment count checks the outcome.
      const last = offset + chunk.length === size;
      const res = await this.api.send(
        mailbox,
        { uploadBytes: chunk.length, authenticated: false, accept: last ? [404, 416] : [416] },
        () => ({
          method: 'PUT',
          url: uploadUrl,
          headers: { 'content-range': range, 'content-type': 'application/octet-stream' },
          body: chunk,
        }),
        signal,
      );
      res.body.resume();
      offset += chunk.length;
    }
    if (offset !== size)
      throw new ProviderError('provider-error', 'an attachment shrank between two reads of the source');
    return offset;
  }

  /** How many attachments the message has now (to check a copy before marking it complete). */
  async count(mailbox: MailboxRef, messageId: string, signal: AbortSignal): Promise<number> {
    let count = 0;
    let next: string | undefined =
      `${this.messagePath(mailbox, messageId)}/attachments?$select=id,size&$top=1000`;
    while (next) {
      const page: { body?: { value?: unknown[]; '@odata.nextLink'?: string } } = await this.api.json(
        mailbox,
        { method: 'GET', path: next },
        signal,
      );
      count += page.body?.value?.length ?? 0;
      next = page.body?.['@odata.nextLink'];
    }
    return count;
  }

  private messagePath(mailbox: MailboxRef, messageId: string): string {
    return `${this.api.user(mailbox)}/messages/${encodeURIComponent(messageId)}`;
  }
}
