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

/** Graph's `#microsoft.graph.fileAttachment` for a held attachment. */
export function fileAttachmentJson(attachment: HeldAttachment): Record<string, unknown> {
  return {
    '@odata.type': '#microsoft.graph.fileAttachment',
    ...attachmentItem(attachment.info),
    contentBytes: attachment.content.toString('base64'),
  };
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
 * nothing is left to add afterwards. Bodies: HTML when the MIME has one, else text.
 */
export function graphMessageJson(
  scan: MimeScanResult,
  message: MessageToWrite,
  attachments: readonly HeldAttachment[],
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
    ...(attachments.length > 0 ? { attachments: attachments.map(fileAttachmentJson) } : {}),
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
