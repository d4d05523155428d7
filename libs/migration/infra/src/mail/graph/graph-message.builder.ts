import type { MessageToWrite } from '@ferry/migration/application';
import { addressesOf, type MailAddress } from '../mime/mime-addresses';
import type { MimeAttachmentInfo, MimeScanResult } from '../mime/mime-scan';
import {
  type ExtendedProperty,
  FERRY_COMPLETE,
  FERRY_ITEM_KEY,
  ICON_REPLIED,
  MSGFLAG_READ,
  MSGFLAG_UNSENT,
  PID_CLIENT_SUBMIT_TIME,
  PID_DELIVERY_TIME,
  PID_ICON_INDEX,
  PID_LAST_VERB,
  PID_MESSAGE_FLAGS,
  PID_TRANSPORT_HEADERS,
  VERB_REPLY,
} from './graph-properties';

/** An attachment small enough to travel inside a JSON request (held in memory, under 3 MB). */
export interface HeldAttachment {
  readonly info: MimeAttachmentInfo;
  readonly content: Buffer;
}

/**
 * Graph's `#microsoft.graph.fileAttachment` for a held attachment, serialised: its content is
 * base64-encoded straight into the returned bytes, once (no JSON string of it is made).
 */
export function fileAttachmentBody(attachment: HeldAttachment): Buffer {
  const head = fileAttachmentHead(attachment);
  const body = Buffer.allocUnsafe(fileAttachmentBytes(attachment, head));
  const end = writeFileAttachment(body, 0, attachment, head);
  return checkedLength(body, end);
}

/** Bytes `fileAttachmentBody` makes of an attachment. */
export function fileAttachmentBytes(
  attachment: HeldAttachment,
  head = fileAttachmentHead(attachment),
): number {
  return Buffer.byteLength(head) + base64Length(attachment.content.length) + ATTACHMENT_TAIL.length;
}

/**
 * The create request's body: the message JSON (`graphMessageJson`, serialised) with the held
 * attachments added as its `attachments` array. The attachments are written into the body directly,
 * so a 3 MB create costs one base64 encoding of its attachments and one copy.
 */
export function graphCreateBody(messageJson: string, attachments: readonly HeldAttachment[]): Buffer {
  if (attachments.length === 0) return Buffer.from(messageJson);
  if (!messageJson.endsWith('}')) throw new Error('the message JSON is not an object');
  const open = messageJson.slice(0, -1);
  const heads = attachments.map(fileAttachmentHead);
  let size =
    Buffer.byteLength(open) + ATTACHMENTS_OPEN.length + ATTACHMENTS_CLOSE.length + attachments.length - 1;
  attachments.forEach((a, i) => (size += fileAttachmentBytes(a, heads[i])));
  const body = Buffer.allocUnsafe(size);
  let at = body.write(open, 0, 'utf8');
  at += body.write(ATTACHMENTS_OPEN, at, 'latin1');
  attachments.forEach((a, i) => {
    if (i > 0) at += body.write(',', at, 'latin1');
    at = writeFileAttachment(body, at, a, heads[i] as string);
  });
  at += body.write(ATTACHMENTS_CLOSE, at, 'latin1');
  return checkedLength(body, at);
}

const ATTACHMENTS_OPEN = ',"attachments":[';
const ATTACHMENTS_CLOSE = ']}';
const ATTACHMENT_TAIL = '"}';

/** Base64 characters (padded) of `bytes` bytes: base64 never needs a JSON escape. */
function base64Length(bytes: number): number {
  return 4 * Math.ceil(bytes / 3);
}

/** A fileAttachment's JSON up to the opening quote of its `contentBytes` value. */
function fileAttachmentHead(attachment: HeldAttachment): string {
  const json = JSON.stringify({
    '@odata.type': '#microsoft.graph.fileAttachment',
    ...attachmentItem(attachment.info),
  });
  return `${json.slice(0, -1)},"contentBytes":"`;
}

function writeFileAttachment(body: Buffer, from: number, attachment: HeldAttachment, head: string): number {
  let at = from + body.write(head, from, 'utf8');
  at += body.write(attachment.content.toString('base64'), at, 'latin1');
  return at + body.write(ATTACHMENT_TAIL, at, 'latin1');
}

/** `write` stops silently at the end of a buffer: a size worked out wrong must not send a cut body. */
function checkedLength(body: Buffer, written: number): Buffer {
  if (written !== body.length)
    throw new Error(`a request body was sized ${body.length} bytes but ${written} were written`);
  return body;
}

/** An attachment's name, type and inline placement, as fileAttachment and upload sessions take them. */
export function attachmentItem(info: MimeAttachmentInfo): Record<string, unknown> {
  return {
    name: info.filename?.trim() || (info.contentType === 'message/rfc822' ? 'message.eml' : 'attachment'),
    contentType: info.contentType,
    isInline: info.inline,
    ...(info.contentId ? { contentId: info.contentId } : {}),
  };
}

const recipient = (a: MailAddress) => ({ emailAddress: { name: a.name, address: a.address } });

/**
 * The JSON that creates a copy of a message in Exchange with what makes it look received, not
 * drafted: PidTagMessageFlags without MSGFLAG_UNSENT at creation (a MIME upload is always a draft),
 * delivery and submit times, and the original header block; the state the placement carries (read,
 * flagged, importance, answered, categories); Ferry's idempotency key, and the completion marker when
 * nothing is left to add afterwards. Bodies: HTML when the MIME has one, else text. Attachments are
 * added by `graphCreateBody`.
 */
export function graphMessageJson(
  scan: MimeScanResult,
  message: MessageToWrite,
  complete: boolean,
): Record<string, unknown> {
  const { headers } = scan;
  const state = message.placement.state;
  const from = addressesOf(headers.get('from'))[0];
  const sender = addressesOf(headers.get('sender'))[0] ?? from;
  const subject = headers.get('subject');
  const messageId = headers.get('message-id');
  const received = new Date(message.receivedAt).toISOString();
  const flags = (state.read ? MSGFLAG_READ : 0) | (state.draft ? MSGFLAG_UNSENT : 0);
  const properties: ExtendedProperty[] = [
    { id: PID_MESSAGE_FLAGS, value: String(flags) },
    { id: PID_DELIVERY_TIME, value: received },
    { id: PID_CLIENT_SUBMIT_TIME, value: sentTime(scan) ?? received },
    { id: PID_TRANSPORT_HEADERS, value: `${scan.headerLines.map((h) => h.line).join('\r\n')}\r\n` },
    { id: FERRY_ITEM_KEY, value: message.key },
    ...(state.answered
      ? [
          { id: PID_LAST_VERB, value: String(VERB_REPLY) },
          { id: PID_ICON_INDEX, value: String(ICON_REPLIED) },
        ]
      : []),
    ...(complete ? [{ id: FERRY_COMPLETE, value: '1' }] : []),
  ];
  return {
    subject: typeof subject === 'string' ? subject : '',
    body:
      scan.html !== undefined
        ? { contentType: 'html', content: scan.html }
        : { contentType: 'text', content: scan.text ?? '' },
    ...(from ? { from: recipient(from) } : {}),
    ...(sender ? { sender: recipient(sender) } : {}),
    toRecipients: addressesOf(headers.get('to')).map(recipient),
    ccRecipients: addressesOf(headers.get('cc')).map(recipient),
    bccRecipients: addressesOf(headers.get('bcc')).map(recipient),
    replyTo: addressesOf(headers.get('reply-to')).map(recipient),
    ...(typeof messageId === 'string' && /^<[^<>\s]+>$/.test(messageId.trim())
      ? { internetMessageId: messageId.trim() }
      : {}),
    importance: state.importance,
    isRead: state.read,
    flag: { flagStatus: state.flagged ? 'flagged' : 'notFlagged' },
    categories: [...message.placement.extraLabels],
    singleValueExtendedProperties: properties,
  };
}

/**
 * The Date header as an instant, read from the raw line: mailparser substitutes the current time for
 * a date it cannot parse, which would pass for a real one.
 */
function sentTime(scan: MimeScanResult): string | undefined {
  const line = scan.headerLines.find((h) => h.key === 'date')?.line;
  if (!line) return undefined;
  const at = Date.parse(
    line
      .slice(line.indexOf(':') + 1)
      .replace(/\s+/g, ' ')
      .trim(),
  );
  return Number.isNaN(at) ? undefined : new Date(at).toISOString();
}
