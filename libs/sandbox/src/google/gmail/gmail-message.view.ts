import type { gmail_v1 } from 'googleapis';
import { base64urlPadded } from './base64url-stream';
import type { MessageContent } from './gmail-content';
import type { Mailbox, MessageRecord } from './gmail.store';
import type { MimeHeader } from './mime-headers';
import type { MimePart } from './mime-structure';

export type MessageFormat = 'minimal' | 'metadata' | 'full' | 'raw';

/** Text bodies up to this size come inline as `body.data`; larger ones get an `attachmentId`. */
export const INLINE_TEXT_LIMIT = 4 * 1024 * 1024;

const ATTACHMENT_PREFIX = 'ANGjdJ';

/** An opaque attachment id bound to the message and part. */
export function attachmentIdOf(messageId: string, partId: string): string {
  return `${ATTACHMENT_PREFIX}${Buffer.from(`${messageId}:${partId}`).toString('base64url')}`;
}

export function parseAttachmentId(attachmentId: string): { messageId: string; partId: string } | undefined {
  if (!attachmentId.startsWith(ATTACHMENT_PREFIX)) return undefined;
  const m = /^([0-9a-f]{16}):([0-9.]*)$/.exec(
    Buffer.from(attachmentId.slice(ATTACHMENT_PREFIX.length), 'base64url').toString('utf8'),
  );
  return m ? { messageId: m[1] ?? '', partId: m[2] ?? '' } : undefined;
}

/** The fields every format shares (format=minimal). */
export function minimalResource(
  mailbox: Mailbox,
  rec: MessageRecord,
  content: MessageContent,
): gmail_v1.Schema$Message {
  return {
    id: rec.id,
    threadId: rec.threadId,
    labelIds: [...rec.labelIds],
    snippet: content.snippet(mailbox, rec),
    sizeEstimate: rec.landed ? rec.landed.content.size : rec.sizeEstimate,
    historyId: String(rec.historyId),
    internalDate: String(rec.internalDate),
  };
}

function toHeaders(headers: readonly MimeHeader[]): gmail_v1.Schema$MessagePartHeader[] {
  return headers.map((h) => ({ name: h.name, value: h.value }));
}

/** format=metadata: the top-level headers only (filtered by `metadataHeaders`, case-insensitively). */
export function metadataPayload(
  headers: readonly MimeHeader[],
  wanted: readonly string[],
  mimeType: string,
): gmail_v1.Schema$MessagePart {
  const want = new Set(wanted.map((w) => w.toLowerCase()));
  const kept = want.size === 0 ? headers : headers.filter((h) => want.has(h.name.toLowerCase()));
  return { partId: '', mimeType, filename: '', headers: toHeaders(kept), body: { size: 0 } };
}

/** format=full: the part tree, text inline, attachments by id. */
export function fullPayload(messageId: string, part: MimePart): gmail_v1.Schema$MessagePart {
  const out: gmail_v1.Schema$MessagePart = {
    partId: part.partId,
    mimeType: part.mimeType,
    filename: part.filename,
    headers: toHeaders(part.headers),
  };
  if (part.parts.length > 0 || part.mimeType.startsWith('multipart/')) {
    out.body = { size: 0 };
    out.parts = part.parts.map((p) => fullPayload(messageId, p));
  } else if (part.data && part.filename === '') {
    out.body = { size: part.size, data: base64urlPadded(part.data) };
  } else {
    out.body = { attachmentId: attachmentIdOf(messageId, part.partId), size: part.size };
  }
  return out;
}

export function findPart(root: MimePart, partId: string): MimePart | undefined {
  if (root.partId === partId) return root;
  for (const p of root.parts) {
    const found = findPart(p, partId);
    if (found) return found;
  }
  return undefined;
}
