import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import MailComposer from 'nodemailer/lib/mail-composer';
import type { ContentRetention } from '../../content/content-source';
import { composeSeededMime } from '../../content/seeded-mime';
import { graphError } from '../../http/vendor-errors';
import type { AttachmentRecord, LandedContent, Mailbox, MessageRecord, Recipient } from './mail.store';
import { seededView } from './seeded-message';

/** The message's RFC 5322 form as a stream: regenerated for seeded mail, stored or composed for landed mail. */
export function openMime(mailbox: Mailbox, m: MessageRecord): Readable {
  const landed = m.extras?.landed;
  if (!landed) return composeSeededMime(seededView(mailbox.profile, m).spec);
  if (landed.mime) {
    if (!landed.mime.readable) throw graphError(404, 'ErrorItemNotFound', 'The MIME content of this item is not available.');
    return landed.mime.open();
  }
  // A message created from JSON: Exchange renders MIME from its properties; so does the sandbox.
  const addr = (r: Recipient) => ({ name: r.name, address: r.address });
  const composer = new MailComposer({
    ...(landed.from ? { from: addr(landed.from) } : {}),
    to: landed.to.map(addr),
    cc: landed.cc.map(addr),
    bcc: landed.bcc.map(addr),
    subject: m.extras?.subject ?? landed.subject,
    messageId: landed.internetMessageId,
    date: new Date(landed.sentMs ?? m.receivedMs),
    ...(landed.body.contentType === 'html' ? { html: landed.body.content } : { text: landed.body.content }),
    baseBoundary: createHash('sha256').update(m.id).digest('hex').slice(0, 16),
    attachments: (m.extras?.attachments ?? []).filter((a) => a.content.readable).map((a) => ({ filename: a.name, contentType: a.contentType, content: a.content.open() })),
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  return composer.compile().createReadStream();
}

export async function sha256OfStream(stream: Readable): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of stream) {
    const buf = chunk as Buffer;
    hash.update(buf);
    size += buf.length;
  }
  return { sha256: hash.digest('hex'), size };
}

const STRICT_BASE64 = /^[A-Za-z0-9+/\r\n]*={0,2}[\r\n]*$/;

/** Decodes a create-from-MIME body: Graph wants the MIME base64-encoded in a text/plain body. */
export function decodeMimeBody(body: Buffer): Buffer {
  const text = body.toString('latin1').trim();
  if (text.length === 0 || !STRICT_BASE64.test(text)) throw graphError(400, 'ErrorMimeContentInvalidBase64String', 'Invalid base64 string for MIME content.');
  return Buffer.from(text, 'base64');
}

const recipients = (a: AddressObject | AddressObject[] | undefined): Recipient[] =>
  (Array.isArray(a) ? a : a ? [a] : []).flatMap((o) => o.value).filter((v) => v.address).map((v) => ({ name: v.name || (v.address ?? ''), address: v.address ?? '' }));

/** Parses uploaded MIME into landed content and attachments (bytes kept through the retention budget). */
export async function parseMime(mime: Buffer, retention: ContentRetention, nowMs: number, newId: () => string): Promise<{ landed: Omit<LandedContent, 'mime'>; attachments: AttachmentRecord[] }> {
  let parsed: ParsedMail;
  try {
    parsed = await simpleParser(mime, { skipHtmlToText: false, skipTextToHtml: true, skipImageLinks: true });
  } catch {
    throw graphError(400, 'ErrorMimeContentConversionFailed', 'The MIME content could not be converted.');
  }
  // mailparser accepts anything; without one well-formed header field it is not a message.
  if (!parsed.headerLines.some((h) => /^[!-9;-~]+$/.test(h.key) && h.line.includes(':'))) throw graphError(400, 'ErrorMimeContentConversionFailed', 'The MIME content could not be converted.');
  const from = recipients(parsed.from)[0] ?? null;
  const html = typeof parsed.html === 'string' ? parsed.html : undefined;
  const landed: Omit<LandedContent, 'mime'> = {
    subject: parsed.subject ?? '',
    from,
    to: recipients(parsed.to),
    cc: recipients(parsed.cc),
    bcc: recipients(parsed.bcc),
    replyTo: recipients(parsed.replyTo),
    body: html !== undefined ? { contentType: 'html', content: html } : { contentType: 'text', content: parsed.text ?? '' },
    internetMessageId: parsed.messageId ?? `<${createHash('sha256').update(mime).digest('hex').slice(0, 24)}@sandbox.invalid>`,
    sentMs: parsed.date ? parsed.date.getTime() : null,
    headers: parsed.headerLines.slice(0, 200).map((h) => ({ name: h.key, value: h.line.slice(h.key.length + 1).trim() })),
  };
  const attachments: AttachmentRecord[] = parsed.attachments.map((a) => ({
    id: newId(),
    name: a.filename ?? 'attachment',
    contentType: a.contentType,
    size: a.size,
    isInline: a.contentDisposition === 'inline',
    contentId: a.cid ?? null,
    lastModifiedMs: nowMs,
    content: retention.keep(a.content),
  }));
  return { landed, attachments };
}
