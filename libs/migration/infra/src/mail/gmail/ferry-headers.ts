import { isIdempotencyKey } from '@ferry/migration/domain';

/** The header that carries the idempotency key on every copy Ferry imports into Gmail. */
export const FERRY_ITEM_HEADER = 'X-Ferry-Item';

/** The Message-ID a copy gets when its source had none: deterministic, so a retry finds the first copy. */
export function syntheticMessageId(key: string): string {
  return `${key}@ferry.invalid`;
}

/** The end of a header section: an empty line, in either line-ending style. */
export function headerSectionEnd(head: Buffer): number {
  const crlf = head.indexOf('\r\n\r\n');
  const lf = head.indexOf('\n\n');
  if (crlf < 0) return lf < 0 ? -1 : lf + 1;
  return lf < 0 || crlf < lf ? crlf + 2 : lf + 1;
}

/** The line ending the message uses (its first line's), so the added headers match it. */
export function lineEndingOf(head: Buffer): '\r\n' | '\n' {
  const lf = head.indexOf('\n');
  return lf > 0 && head[lf - 1] !== 0x0d ? '\n' : '\r\n';
}

/**
 * The Message-ID of a header section (without angle brackets), or null when there is none or it is
 * blank. Folded lines are unfolded first; the first Message-ID field counts, as mail systems read it.
 */
export function messageIdOf(headerSection: Buffer): string | null {
  const unfolded = headerSection.toString('latin1').replace(/\r?\n[ \t]+/g, ' ');
  const field = /^message-id[ \t]*:(.*)$/im.exec(unfolded);
  const value = field?.[1]?.trim() ?? '';
  if (value === '') return null;
  const bracketed = /<([^<>]*)>/.exec(value)?.[1]?.trim();
  return Buffer.from(bracketed ?? value, 'latin1').toString('utf8');
}

/** The header lines Ferry puts in front of a message: the key, and a Message-ID when it has none. */
export function ferryHeaderLines(key: string, messageId: string | null, eol: '\r\n' | '\n'): Buffer {
  if (!isIdempotencyKey(key)) throw new Error('not an idempotency key');
  const lines = [
    `${FERRY_ITEM_HEADER}: ${key}`,
    ...(messageId === null ? [`Message-ID: <${syntheticMessageId(key)}>`] : []),
  ];
  return Buffer.from(lines.map((l) => `${l}${eol}`).join(''), 'latin1');
}

/** A Message-ID Gmail's `rfc822msgid:` can be asked for (no blanks or quotes, which end a search term). */
export function searchableMessageId(messageId: string): boolean {
  return /^[\x21-\x7e]{1,995}$/.test(messageId) && !/["()]/.test(messageId);
}
