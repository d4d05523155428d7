import { once } from 'node:events';
import { MailParser, type AttachmentStream, type MessageText } from 'mailparser';
import type { ContentRetention } from '../../content/content-source';
import { snippetOf } from './gmail-content';
import { gmailErrors } from './gmail-errors';
import type { LandedMime } from './gmail.store';
import { headerValue, isHeaderFieldLine, parseHeaderLines, type MimeHeader } from './mime-headers';

/** Gmail's cap on an imported or inserted message (developers.google.com/gmail/api/reference/rest/v1/users.messages/import). */
export const MAX_MESSAGE_BYTES = 150 * 1024 * 1024;
/** mailparser reads the first megabyte: enough for the headers and the text the snippet comes from. */
const PARSE_PREFIX_BYTES = 1024 * 1024;
/** A header section longer than this is refused (Gmail caps headers far lower in practice). */
const MAX_HEAD_BYTES = 256 * 1024;

/** Checks the header section as Gmail does on import: well-formed fields and exactly one From. */
function checkHead(head: Buffer): MimeHeader[] {
  const lines = head.toString('utf8').split(/\r?\n/);
  const first = lines[0] ?? '';
  if (!isHeaderFieldLine(first))
    throw gmailErrors.invalid('Invalid RFC 5322 message: the message must start with a header section');
  const fieldLines = lines.filter((l) => l !== '');
  for (const l of fieldLines)
    if (!/^[ \t]/.test(l) && !isHeaderFieldLine(l))
      throw gmailErrors.invalid('Invalid RFC 5322 message: malformed header field');
  const headers = parseHeaderLines(fieldLines);
  if (headers.filter((h) => h.name.toLowerCase() === 'from').length !== 1)
    throw gmailErrors.invalid("Expected a single 'From' header");
  return headers;
}

/**
 * Lands an uploaded message: streams it once into the retention store (bytes under budget, digest
 * always), checks its header section as soon as it has arrived, caps it at 150 MB, and lets
 * mailparser (streaming) read its beginning for the text snippet. Nothing is buffered beyond what
 * retention keeps.
 */
export async function landMime(
  retention: ContentRetention,
  body: AsyncIterable<Buffer | Uint8Array>,
  maxBytes = MAX_MESSAGE_BYTES,
): Promise<LandedMime> {
  const parser = new MailParser({
    skipHtmlToText: true,
    skipTextToHtml: true,
    skipTextLinks: true,
    skipImageLinks: true,
  });
  let text = '';
  parser.on('data', (data: AttachmentStream | MessageText) => {
    if (data.type === 'attachment') {
      data.content.on('data', () => undefined);
      data.content.on('end', () => data.release?.());
    } else if (data.type === 'text') text = data.text ?? '';
  });
  parser.on('error', () => undefined);
  const parsed = once(parser, 'end').catch(() => undefined);

  let size = 0;
  let headBytes: Buffer[] | undefined = [];
  let headSize = 0;
  let headers: MimeHeader[] | undefined;
  async function* tap(): AsyncGenerator<Buffer> {
    for await (const c of body) {
      const chunk = Buffer.isBuffer(c) ? c : Buffer.from(c);
      size += chunk.length;
      if (size > maxBytes) throw gmailErrors.tooLarge(maxBytes);
      if (headBytes) {
        headBytes.push(chunk);
        headSize += chunk.length;
        const joined = Buffer.concat(headBytes);
        const end = /\r?\n\r?\n/.exec(joined.toString('latin1'));
        if (end) {
          headers = checkHead(joined.subarray(0, end.index));
          headBytes = undefined;
        } else if (headSize > MAX_HEAD_BYTES)
          throw gmailErrors.invalid('Invalid RFC 5322 message: header section too large');
        else headBytes = [joined];
      }
      const fed = size - chunk.length;
      if (fed < PARSE_PREFIX_BYTES && !parser.write(chunk.subarray(0, PARSE_PREFIX_BYTES - fed)))
        await once(parser, 'drain');
      yield chunk;
    }
  }
  let content;
  try {
    content = await retention.collect(tap());
  } catch (e) {
    parser.destroy();
    throw e;
  }
  try {
    if (size === 0) throw gmailErrors.rawRequired();
    // A message with headers only (no blank line) is legal.
    headers ??= checkHead(Buffer.concat(headBytes ?? []));
  } catch (e) {
    retention.release(content);
    parser.destroy();
    throw e;
  }
  parser.end();
  await parsed;
  return {
    content,
    headers,
    messageId: headerValue(headers, 'message-id') ?? '',
    subject: headerValue(headers, 'subject') ?? '',
    snippet: snippetOf(text),
  };
}
