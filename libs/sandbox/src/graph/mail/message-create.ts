import type { IncomingMessage } from 'node:http';
import { BodyTooLargeError, isRecord, readBody } from '../../http/body';
import type { VendorError } from '../../http/vendor-error';
import { graphError } from '../../http/vendor-errors';
import type { SandboxContext } from '../../sandbox-context';
import { flagsMeanSent, normalizePropertyId, PID_TAG_MESSAGE_FLAGS } from './extended-property';
import { decodeMimeBody, parseMime } from './mail-mime';
import type { AttachmentRecord, ExtendedPropertyValue, FollowupFlag, LandedContent, Mailbox, MailFolderRecord, MessageExtras, MessageRecord, Recipient } from './mail.store';

/** Graph's cap on a request body, and so on a MIME upload (base64 included). */
export const REQUEST_LIMIT = 4 * 1024 * 1024;
/** Graph's cap on one attachment posted inline (larger ones need an upload session). */
export const INLINE_ATTACHMENT_LIMIT = 3 * 1024 * 1024;

/** The sandbox's 413 (Graph's wording for this is not documented; the status is). */
export const payloadTooLarge = (): VendorError => graphError(413, 'RequestEntityTooLarge', 'The request payload exceeds the maximum size allowed (4 MB). Use an upload session for large attachments.');
export const bodyRead = (what: string): VendorError => graphError(400, 'RequestBodyRead', what);

const PID_DELIVERY_TIME = 'SystemTime 0xe06';
const PID_CLIENT_SUBMIT_TIME = 'SystemTime 0x39';

/** Reads a content body up to Graph's 4 MB request cap: that cap is why buffering it is allowed. */
export async function readCapped(raw: IncomingMessage): Promise<Buffer> {
  try {
    return await readBody(raw, REQUEST_LIMIT);
  } catch (e) {
    if (e instanceof BodyTooLargeError) throw payloadTooLarge();
    throw e;
  }
}

function recipients(value: unknown, field: string): Recipient[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw bodyRead(`Invalid value for property '${field}': an array of recipients is expected.`);
  return value.map((r) => recipientOf(r, field));
}

function recipientOf(r: unknown, field: string): Recipient {
  const email = isRecord(r) ? r['emailAddress'] : undefined;
  if (!isRecord(email) || typeof email['address'] !== 'string') throw bodyRead(`Invalid value for property '${field}': each recipient needs emailAddress.address.`);
  const address = email['address'];
  if (!/^[^\s@]+@[^\s@]+$/.test(address)) throw graphError(400, 'ErrorInvalidRecipients', 'At least one recipient is not valid.');
  return { name: typeof email['name'] === 'string' ? email['name'] : address, address };
}

/** Extended properties from a create/update body, normalised; 400 for a malformed id. */
export function extendedProperties(value: unknown): ExtendedPropertyValue[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw bodyRead("Invalid value for property 'singleValueExtendedProperties'.");
  return value.map((p) => {
    const id = isRecord(p) && typeof p['id'] === 'string' ? normalizePropertyId(p['id']) : undefined;
    if (!id || !isRecord(p) || (typeof p['value'] !== 'string' && typeof p['value'] !== 'number' && typeof p['value'] !== 'boolean')) {
      throw graphError(400, 'ErrorInvalidExtendedPropertyValue', 'The extended property id or value is not valid.');
    }
    return { id, value: String(p['value']) };
  });
}

export function followupFlag(value: unknown): FollowupFlag {
  if (!isRecord(value) || !['notFlagged', 'complete', 'flagged'].includes(String(value['flagStatus']))) throw bodyRead("Invalid value for property 'flag': flagStatus must be notFlagged, flagged or complete.");
  return value as unknown as FollowupFlag;
}

export function importanceOf(value: unknown): 'low' | 'normal' | 'high' {
  if (value === 'low' || value === 'normal' || value === 'high') return value;
  throw bodyRead(`Requested value '${String(value).slice(0, 40)}' was not found.`);
}

export function categoriesOf(value: unknown): string[] {
  if (!Array.isArray(value)) throw bodyRead("Invalid value for property 'categories'.");
  return value.map((c: unknown) => {
    if (typeof c !== 'string') throw bodyRead("Invalid value for property 'categories'.");
    return c;
  });
}

function inlineAttachments(value: unknown, nowMs: number, ctx: SandboxContext, newId: () => string): AttachmentRecord[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw bodyRead("Invalid value for property 'attachments'.");
  return value.map((a) => fileAttachment(a, nowMs, ctx, newId));
}

/** A `#microsoft.graph.fileAttachment` body (POST .../attachments, or inline on create). */
export function fileAttachment(a: unknown, nowMs: number, ctx: SandboxContext, newId: () => string): AttachmentRecord {
  if (!isRecord(a)) throw bodyRead('An attachment object is expected.');
  const type = a['@odata.type'];
  if (type !== '#microsoft.graph.fileAttachment' && type !== 'microsoft.graph.fileAttachment') {
    // Item and reference attachments exist in Graph; the sandbox only models file attachments.
    throw graphError(400, 'ErrorInvalidRequest', "The sandbox supports only '#microsoft.graph.fileAttachment' attachments.");
  }
  if (typeof a['name'] !== 'string' || a['name'] === '') throw graphError(400, 'ErrorInvalidParameter', "The attachment 'name' is required.");
  const b64 = a['contentBytes'];
  if (typeof b64 !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(b64)) throw bodyRead("Invalid value for property 'contentBytes': base64 is expected.");
  const bytes = Buffer.from(b64, 'base64');
  if (bytes.length > INLINE_ATTACHMENT_LIMIT) throw payloadTooLarge();
  return {
    id: newId(),
    name: a['name'],
    contentType: typeof a['contentType'] === 'string' ? a['contentType'] : 'application/octet-stream',
    size: bytes.length,
    isInline: a['isInline'] === true,
    contentId: typeof a['contentId'] === 'string' ? a['contentId'] : null,
    lastModifiedMs: nowMs,
    content: ctx.retention.keep(bytes),
  };
}

/**
 * POST .../messages: JSON (a draft unless PidTagMessageFlags at creation says it was sent) or, with
 * `Content-Type: text/plain`, base64 MIME (always a draft, as Exchange makes it).
 */
export async function createMessage(ctx: SandboxContext, mailbox: Mailbox, folder: MailFolderRecord, raw: IncomingMessage): Promise<MessageRecord> {
  const type = (raw.headers['content-type'] ?? 'application/json').toLowerCase();
  const body = await readCapped(raw);
  const nowMs = ctx.clock.now();
  const newId = () => mailbox.newId('att');
  let landed: LandedContent;
  let attachments: AttachmentRecord[];
  let extras: MessageExtras = {};
  let isDraft = true;
  let isRead = true;
  let receivedMs = nowMs;
  if (type.startsWith('text/plain')) {
    const mime = decodeMimeBody(body);
    const parsed = await parseMime(mime, ctx.retention, nowMs, newId);
    landed = { ...parsed.landed, mime: ctx.retention.keep(mime) };
    attachments = parsed.attachments;
  } else if (type.startsWith('application/json')) {
    let json: unknown;
    try {
      json = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
    } catch {
      throw bodyRead('Invalid JSON payload received.');
    }
    if (!isRecord(json)) throw bodyRead('A message object is expected.');
    const props = extendedProperties(json['singleValueExtendedProperties']);
    const flags = props.find((p) => p.id === PID_TAG_MESSAGE_FLAGS);
    if (flags) isDraft = !flagsMeanSent(flags.value);
    const delivery = props.find((p) => p.id === PID_DELIVERY_TIME);
    if (delivery && !Number.isNaN(Date.parse(delivery.value))) receivedMs = Date.parse(delivery.value);
    const submit = props.find((p) => p.id === PID_CLIENT_SUBMIT_TIME);
    const bodyField = json['body'];
    const content = isRecord(bodyField) && typeof bodyField['content'] === 'string' ? bodyField['content'] : '';
    const from = json['from'] ?? json['sender'];
    landed = {
      subject: typeof json['subject'] === 'string' ? json['subject'] : '',
      from: from === undefined || from === null ? null : recipientOf(from, 'from'),
      to: recipients(json['toRecipients'], 'toRecipients'),
      cc: recipients(json['ccRecipients'], 'ccRecipients'),
      bcc: recipients(json['bccRecipients'], 'bccRecipients'),
      replyTo: recipients(json['replyTo'], 'replyTo'),
      body: { contentType: isRecord(bodyField) && String(bodyField['contentType']).toLowerCase() === 'html' ? 'html' : 'text', content },
      internetMessageId: typeof json['internetMessageId'] === 'string' ? json['internetMessageId'] : `<${mailbox.newId('imid').slice(6, 40)}@${mailbox.profile.domain}>`,
      sentMs: submit && !Number.isNaN(Date.parse(submit.value)) ? Date.parse(submit.value) : isDraft ? null : receivedMs,
      headers: [],
    };
    attachments = inlineAttachments(json['attachments'], nowMs, ctx, newId);
    isRead = json['isRead'] === undefined ? isDraft : json['isRead'] === true;
    extras = {
      ...(props.length > 0 ? { extended: props } : {}),
      ...(json['importance'] !== undefined ? { importance: importanceOf(json['importance']) } : {}),
      ...(json['categories'] !== undefined ? { categories: categoriesOf(json['categories']) } : {}),
      ...(json['flag'] !== undefined ? { flag: followupFlag(json['flag']) } : {}),
    };
  } else {
    throw graphError(415, 'UnsupportedMediaType', `The content type '${type.slice(0, 80)}' is not supported; use application/json or text/plain (base64 MIME).`);
  }
  const record: MessageRecord = {
    id: mailbox.newId('msg'),
    folder,
    seq: -1,
    receivedMs: type.startsWith('text/plain') ? (landed.sentMs ?? nowMs) : receivedMs,
    lastModifiedMs: nowMs,
    changeSeq: 0,
    isRead,
    isDraft,
    extras: { ...extras, createdMs: nowMs, landed, ...(attachments.length > 0 ? { attachments } : {}) },
  };
  mailbox.insert(record);
  return record;
}
