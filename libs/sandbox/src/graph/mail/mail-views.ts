import type { MicrosoftPrincipal } from '../../identity/principal';
import { seededExchangeId, seededHex } from '../../scenario/deterministic';
import type { AttachmentRecord, Mailbox, MailFolderRecord, MessageRecord, Recipient } from './mail.store';
import { seededView } from './seeded-message';

/** Graph's timestamps: ISO 8601, second precision, `Z`. */
export const isoSeconds = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

const recipient = (r: Recipient) => ({ emailAddress: { name: r.name, address: r.address } });

export function folderJson(f: MailFolderRecord): Record<string, unknown> {
  return {
    id: f.id,
    displayName: f.displayName,
    parentFolderId: f.parentId,
    childFolderCount: f.childIds.length,
    unreadItemCount: f.unread,
    totalItemCount: f.messages.length,
    isHidden: f.isHidden,
  };
}

const changeKeyOf = (m: MessageRecord): string => `CQAAABYAAA${Buffer.from(seededHex(`${m.id}/${m.changeSeq}`, 24), 'hex').toString('base64')}`;

/** The message's attachments: the seeded ones (regenerated) and the ones added through the API. */
export function attachmentsOf(mailbox: Mailbox, m: MessageRecord): readonly AttachmentMeta[] {
  const out: AttachmentMeta[] = [];
  if (m.seq >= 0) {
    const view = seededView(mailbox.profile, m);
    view.spec.attachments.forEach((a, i) => out.push({ id: view.attachmentIds[i] ?? '', name: a.filename, contentType: a.contentType, size: a.size, isInline: false, contentId: null, lastModifiedMs: m.receivedMs, seededIndex: i }));
  }
  for (const a of m.extras?.attachments ?? []) out.push({ ...a, record: a });
  return out;
}

/** An attachment's metadata, with where its bytes come from. */
export interface AttachmentMeta {
  readonly id: string;
  readonly name: string;
  readonly contentType: string;
  readonly size: number;
  readonly isInline: boolean;
  readonly contentId: string | null;
  readonly lastModifiedMs: number;
  readonly seededIndex?: number;
  readonly record?: AttachmentRecord;
}

export function attachmentJson(a: AttachmentMeta, contentBytes?: string): Record<string, unknown> {
  return {
    '@odata.type': '#microsoft.graph.fileAttachment',
    '@odata.mediaContentType': a.contentType,
    id: a.id,
    lastModifiedDateTime: isoSeconds(a.lastModifiedMs),
    name: a.name,
    contentType: a.contentType,
    size: a.size,
    isInline: a.isInline,
    contentId: a.contentId,
    contentLocation: null,
    ...(contentBytes !== undefined ? { contentBytes } : {}),
  };
}

/** Whether the caller may see bodies and attachments (Mail.ReadBasic[.All] alone may not). */
export function canReadContent(p: MicrosoftPrincipal): boolean {
  const granted = p.userId ? p.scopes : p.roles;
  return granted.some((g) => g === 'Mail.Read' || g === 'Mail.ReadWrite');
}

/** The message in Graph's JSON shape (body omitted for callers with only Mail.ReadBasic). */
export function messageJson(mailbox: Mailbox, m: MessageRecord, withBody: boolean, bodyType?: 'text' | 'html'): Record<string, unknown> {
  const extras = m.extras;
  const landed = extras?.landed;
  let subject: string;
  let from: Recipient | null;
  let to: readonly Recipient[];
  let cc: readonly Recipient[] = [];
  let bcc: readonly Recipient[] = [];
  let replyTo: readonly Recipient[] = [];
  let body: { contentType: 'text' | 'html'; content: string };
  let internetMessageId: string;
  let sentMs: number | null;
  let importance: string;
  let conversationId: string;
  let hasAttachments: boolean;
  if (landed) {
    ({ subject, from, to, cc, bcc, replyTo, body, internetMessageId, sentMs } = landed);
    importance = 'normal';
    conversationId = seededExchangeId(`${mailbox.profile.key}/conv/${subject.replace(/^(re|fw|fwd):\s*/i, '')}`).replace(/^AAMkAG/, 'AAQkAG');
    hasAttachments = (extras.attachments?.length ?? 0) > 0;
  } else {
    const v = seededView(mailbox.profile, m);
    subject = v.spec.subject;
    from = v.spec.from;
    to = v.spec.to;
    body = { contentType: 'text', content: v.spec.text };
    internetMessageId = v.spec.messageId;
    sentMs = m.receivedMs - 5_000;
    importance = v.importance;
    conversationId = v.conversationId;
    hasAttachments = v.spec.attachments.length > 0 || (extras?.attachments?.length ?? 0) > 0;
  }
  const changeKey = changeKeyOf(m);
  const json: Record<string, unknown> = {
    '@odata.etag': `W/"${changeKey}"`,
    id: m.id,
    createdDateTime: isoSeconds(extras?.createdMs ?? m.receivedMs),
    lastModifiedDateTime: isoSeconds(m.lastModifiedMs),
    changeKey,
    categories: [...(extras?.categories ?? [])],
    receivedDateTime: isoSeconds(m.receivedMs),
    sentDateTime: sentMs === null ? null : isoSeconds(sentMs),
    hasAttachments,
    internetMessageId,
    subject: extras?.subject ?? subject,
    importance: extras?.importance ?? importance,
    parentFolderId: m.folder.id,
    conversationId,
    conversationIndex: Buffer.from(seededHex(conversationId, 44), 'hex').toString('base64'),
    isDeliveryReceiptRequested: false,
    isReadReceiptRequested: false,
    isRead: m.isRead,
    isDraft: m.isDraft,
    webLink: `https://outlook.office365.com/owa/?ItemID=${encodeURIComponent(m.id)}&exvsurl=1&viewmodel=ReadMessageItem`,
    inferenceClassification: 'focused',
    sender: from ? recipient(from) : null,
    from: from ? recipient(from) : null,
    toRecipients: to.map(recipient),
    ccRecipients: cc.map(recipient),
    bccRecipients: bcc.map(recipient),
    replyTo: replyTo.map(recipient),
    flag: extras?.flag ?? { flagStatus: 'notFlagged' },
  };
  if (withBody) {
    json['bodyPreview'] = body.content.replace(/<[^>]*>/g, '').replace(/\s+/g, ' ').trim().slice(0, 255);
    json['body'] = convertBody(body, bodyType);
  }
  return json;
}

const escapeHtml = (t: string): string => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** `Prefer: outlook.body-content-type`: Exchange converts the body; the sandbox does a plain tag strip / wrap. */
function convertBody(body: { contentType: 'text' | 'html'; content: string }, want: 'text' | 'html' | undefined): { contentType: 'text' | 'html'; content: string } {
  if (!want || want === body.contentType) return { contentType: body.contentType, content: body.content };
  if (want === 'text') return { contentType: 'text', content: body.content.replace(/<br\s*\/?>/gi, '\n').replace(/<[^>]*>/g, '').replace(/&nbsp;/g, ' ').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&') };
  return { contentType: 'html', content: `<html><body><div>${escapeHtml(body.content).replace(/\n/g, '<br>')}</div></body></html>` };
}

/** The body type a request prefers, from `Prefer: outlook.body-content-type="text|html"`. */
export function preferredBodyType(prefer: string | string[] | undefined): 'text' | 'html' | undefined {
  const m = /outlook\.body-content-type\s*=\s*"?(text|html)"?/i.exec(Array.isArray(prefer) ? prefer.join(',') : (prefer ?? ''));
  return m ? (m[1]?.toLowerCase() as 'text' | 'html') : undefined;
}
