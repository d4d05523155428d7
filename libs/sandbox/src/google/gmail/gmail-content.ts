import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { composeSeededMime, type SeededMessageSpec } from '../../content/seeded-mime';
import { gmailErrors } from './gmail-errors';
import type { GmailMailboxes } from './gmail-mailboxes';
import { seededMessageIdHeader, seededSpec, seededSubject } from './gmail.seeder';
import type { Mailbox, MessageRecord } from './gmail.store';
import type { MimeHeader } from './mime-headers';
import { analyzeMime, type AnalyzeOptions, type MimePart } from './mime-structure';

/** Gmail's snippets are a short plain-text prefix of the body. */
const SNIPPET_CHARS = 200;

export function snippetOf(text: string): string {
  return text.replace(/\s+/g, ' ').trim().slice(0, SNIPPET_CHARS);
}

/** Where a message's bytes and headers come from: regenerated for seeded mail, kept for landed mail. */
export class MessageContent {
  constructor(private readonly mailboxes: GmailMailboxes) {}

  spec(mailbox: Mailbox, rec: MessageRecord): SeededMessageSpec {
    const ctx = this.mailboxes.seedContext(mailbox);
    return seededSpec(mailbox, ctx, rec, ctx.spec.messagesPerUser);
  }

  /** The message's RFC 5322 bytes as a stream. */
  open(mailbox: Mailbox, rec: MessageRecord): Readable {
    if (!rec.landed) return composeSeededMime(this.spec(mailbox, rec));
    if (!rec.landed.content.readable) throw gmailErrors.notRetained();
    return rec.landed.content.open();
  }

  subject(mailbox: Mailbox, rec: MessageRecord): string {
    return rec.landed
      ? rec.landed.subject
      : seededSubject(mailbox.seed, rec.rootSeq, rec.rootSeq !== rec.seq);
  }

  messageIdHeader(mailbox: Mailbox, rec: MessageRecord): string {
    return rec.landed
      ? rec.landed.messageId
      : seededMessageIdHeader(rec.id, this.mailboxes.seedContext(mailbox).domain);
  }

  snippet(mailbox: Mailbox, rec: MessageRecord): string {
    return rec.landed ? rec.landed.snippet : snippetOf(this.spec(mailbox, rec).text);
  }

  async headers(mailbox: Mailbox, rec: MessageRecord): Promise<readonly MimeHeader[]> {
    if (rec.landed) return rec.landed.headers;
    return (await analyzeMime(this.open(mailbox, rec), { headersOnly: true })).headers;
  }

  analyze(mailbox: Mailbox, rec: MessageRecord, options: AnalyzeOptions): Promise<MimePart> {
    return analyzeMime(this.open(mailbox, rec), options);
  }

  /** The exact byte size and SHA-256 of the MIME (streams it once). */
  async digest(mailbox: Mailbox, rec: MessageRecord): Promise<{ size: number; sha256: string }> {
    if (rec.landed) return { size: rec.landed.content.size, sha256: await rec.landed.content.sha256() };
    const hash = createHash('sha256');
    let size = 0;
    for await (const chunk of this.open(mailbox, rec)) {
      const b = chunk as Buffer;
      size += b.length;
      hash.update(b);
    }
    return { size, sha256: hash.digest('hex') };
  }
}
