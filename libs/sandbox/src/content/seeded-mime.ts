import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import MailComposer from 'nodemailer/lib/mail-composer';
import { keystream } from './keystream';

export interface MailAddress {
  readonly name: string;
  readonly address: string;
}

export interface SeededAttachment {
  readonly filename: string;
  readonly contentType: string;
  readonly size: number;
}

/** Everything needed to regenerate one seeded message byte for byte. */
export interface SeededMessageSpec {
  readonly seed: string;
  readonly from: MailAddress;
  readonly to: readonly MailAddress[];
  readonly subject: string;
  readonly date: Date;
  readonly messageId: string;
  readonly text: string;
  readonly attachments: readonly SeededAttachment[];
}

/**
 * The message's RFC 5322 form, composed by nodemailer with a boundary derived from the seed, so the
 * same spec always yields the same bytes; attachment bodies stream from the keystream.
 */
export function composeSeededMime(spec: SeededMessageSpec): Readable {
  const composer = new MailComposer({
    from: spec.from,
    to: [...spec.to],
    subject: spec.subject,
    date: spec.date,
    messageId: spec.messageId,
    text: spec.text,
    baseBoundary: createHash('sha256').update(spec.seed).digest('hex').slice(0, 16),
    attachments: spec.attachments.map((a, i) => ({
      filename: a.filename,
      contentType: a.contentType,
      content: keystream(`${spec.seed}/att/${i}`, 0, Math.max(0, a.size - 1)),
    })),
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  return composer.compile().createReadStream();
}

/** A close estimate of the composed size (headers plus base64 growth), as Gmail's `sizeEstimate` is. */
export function estimateMimeSize(spec: SeededMessageSpec): number {
  const headers = 400 + spec.subject.length + spec.to.length * 60;
  const text = Math.ceil(spec.text.length * 1.05);
  const attachments = spec.attachments.reduce((sum, a) => sum + 200 + Math.ceil((a.size * 4) / 3) + Math.ceil(a.size / 57) * 2, 0);
  return headers + text + attachments;
}
