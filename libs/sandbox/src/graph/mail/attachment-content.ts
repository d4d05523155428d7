import { GeneratedContent, type ContentSource } from '../../content/content-source';
import type { Mailbox, MessageRecord } from './mail.store';
import { attachmentJson, attachmentsOf, type AttachmentMeta } from './mail-views';
import { INLINE_ATTACHMENT_LIMIT } from './message-create';

/** Where an attachment's bytes come from: the seed's keystream (as in its MIME) or what was uploaded. */
export function attachmentContent(mailbox: Mailbox, m: MessageRecord, a: AttachmentMeta): ContentSource {
  if (a.record) return a.record.content;
  return new GeneratedContent(`${mailbox.profile.key}/m/${m.seq}/att/${a.seededIndex ?? 0}`, a.size);
}

/** An attachment's bytes as base64 for `contentBytes`, up to the inline limit. */
export async function contentBytes(source: ContentSource): Promise<string | undefined> {
  // Large attachments are listed without contentBytes (a simplification: Graph inlines them all).
  if (source.size > INLINE_ATTACHMENT_LIMIT || !source.readable) return undefined;
  const chunks: Buffer[] = [];
  for await (const c of source.open()) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('base64');
}

/** A message's attachments as Graph renders them in `$expand=attachments`. */
export async function renderAttachments(mailbox: Mailbox, m: MessageRecord): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  for (const a of attachmentsOf(mailbox, m)) out.push(attachmentJson(a, await contentBytes(attachmentContent(mailbox, m, a))));
  return out;
}
