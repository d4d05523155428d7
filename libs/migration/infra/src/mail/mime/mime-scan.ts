import { createHash } from 'node:crypto';
import { type Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ItemRejectedError } from '@ferry/migration/application';
import {
  type AttachmentStream,
  type HeaderLines,
  type Headers,
  MailParser,
  type MessageText,
} from 'mailparser';

/** One attachment as the scan meets it (its bytes follow as a stream). */
export interface MimeAttachmentInfo {
  /** Position among the message's attachments, the same on every scan of the same MIME. */
  readonly index: number;
  readonly filename: string | undefined;
  readonly contentType: string;
  /** Content-ID without angle brackets. */
  readonly contentId: string | undefined;
  /** Shown in the body (an embedded image) rather than listed as a file. */
  readonly inline: boolean;
}

/**
 * Handles one attachment's decoded bytes. The scan waits for it (backpressure reaches the source), so
 * a handler may upload as it reads; it must consume or destroy `content`.
 */
export type AttachmentHandler = (info: MimeAttachmentInfo, content: Readable) => Promise<void>;

export interface MimeScanLimits {
  /**
   * Raw MIME bytes outside attachments (header section, text and HTML bodies, structure) beyond which
   * the message is refused as too large: the parser holds bodies in memory, so this bounds it. The
   * check is an estimate that errs on the side of the message by up to `PARSER_LAG` bytes.
   */
  readonly maxTextBytes: number;
}

/** What a scan keeps: the header section, the bodies, and a digest of every source byte. */
export interface MimeScanResult {
  readonly headers: Headers;
  /** Raw header lines of the top-level header section, folding included. */
  readonly headerLines: HeaderLines;
  readonly text: string | undefined;
  readonly html: string | undefined;
  readonly attachments: number;
  /** SHA-256 (hex) and length of the MIME exactly as read from the source. */
  readonly sha256: string;
  readonly bytes: number;
}

/** How much of the source the parser is given at once. */
const SLICE = 64 * 1024;
/**
 * Source bytes mailparser (and mailsplit under it) may have taken in but not yet handed out: about
 * 16 chunks of 64 KiB in each of two object-mode buffers. Text is only counted beyond this.
 */
export const PARSER_LAG = 4 * 1024 * 1024;
/** Encoded size per decoded byte of a base64 attachment (4/3, plus CRLF after each 76 characters). */
const BASE64_RATIO = (4 / 3) * (78 / 76);

/** A header field name as RFC 5322 allows it: printable ASCII without a colon. */
const FIELD_NAME = /^[!-9;-~]+$/;

/**
 * Streams a message's MIME through mailparser once: attachments go to `onAttachment` one at a time as
 * they are decoded (never buffered here), the header section and bodies are kept (bounded by
 * `limits.maxTextBytes`), and every source byte is hashed. Source failures are rethrown as they are;
 * MIME that is not a message is `ItemRejectedError('corrupt')`, text beyond the limit `('too-large')`.
 */
export async function scanMime(
  source: Readable,
  onAttachment: AttachmentHandler,
  limits: MimeScanLimits,
): Promise<MimeScanResult> {
  const hash = createHash('sha256');
  let bytes = 0;
  // Lower bound of the source bytes the attachments handed over so far took: what is left is text.
  let attachmentBytes = 0;
  let sourceError: Error | undefined;
  source.once('error', (err: Error) => (sourceError ??= err));
  const parser = new MailParser({
    skipHtmlToText: true,
    skipTextToHtml: true,
    skipImageLinks: true,
    skipTextLinks: true,
    checksumAlgo: false,
  });
  let headers: Headers = new Map();
  let headerLines: HeaderLines = [];
  parser.once('headers', (h: Headers) => (headers = h));
  parser.once('headerLines', (lines: HeaderLines) => (headerLines = lines));
  // Fed to the parser a slice at a time as it asks for more, so the estimate follows the parser.
  const meter = async function* (chunks: AsyncIterable<Buffer | string>): AsyncGenerator<Buffer> {
    for await (const chunk of chunks) {
      const bytesIn = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      for (let at = 0; at < bytesIn.length; at += SLICE) {
        const slice = bytesIn.subarray(at, at + SLICE);
        hash.update(slice);
        bytes += slice.length;
        if (bytes - attachmentBytes - PARSER_LAG > limits.maxTextBytes)
          throw new ItemRejectedError(
            'too-large',
            `the message's text parts exceed ${limits.maxTextBytes} bytes`,
          );
        yield slice;
      }
    }
  };
  const feeding = pipeline(source, meter, parser);
  // The outcome is read from the iteration below; this only keeps a failed pipeline from going unhandled.
  feeding.catch(() => undefined);
  let text: MessageText | undefined;
  let index = 0;
  let handlerError: Error | undefined;
  try {
    for await (const part of parser as AsyncIterable<AttachmentStream | MessageText>) {
      if (part.type === 'text') {
        text = part;
        continue;
      }
      const ratio = encodingOf(part) === 'base64' ? BASE64_RATIO : 1;
      const counted = new Transform({
        transform(chunk: Buffer, _encoding, callback: TransformCallback) {
          attachmentBytes += chunk.length * ratio;
          callback(null, chunk);
        },
      });
      part.content.once('error', (err: Error) => counted.destroy(err));
      part.content.pipe(counted);
      try {
        await onAttachment(attachmentInfo(part, index++), counted);
      } catch (err) {
        handlerError = err instanceof Error ? err : new Error('an attachment handler failed');
        throw err;
      } finally {
        // A handler that stopped early: the rest still has to pass for the parser to go on.
        if (!counted.readableEnded) counted.resume();
        part.release?.();
      }
    }
    await feeding;
  } catch (err) {
    source.destroy();
    // A refusal, a handler's or the source's failure keeps its meaning; only mailparser's own is about
    // the MIME. (A source the pipeline tore down after another failure reports an AbortError: not its own.)
    if (err instanceof ItemRejectedError) throw err;
    if (handlerError !== undefined) throw handlerError;
    if (sourceError !== undefined) throw sourceError;
    throw new ItemRejectedError('corrupt', 'the MIME could not be parsed');
  }
  // mailparser takes anything; without one well-formed header field it was not a message.
  if (!headerLines.some((h) => FIELD_NAME.test(h.key) && h.line.includes(':')))
    throw new ItemRejectedError('corrupt', 'the MIME has no header section');
  return {
    headers,
    headerLines,
    text: text?.text,
    html: text?.html,
    attachments: index,
    sha256: hash.digest('hex'),
    bytes,
  };
}

function attachmentInfo(part: AttachmentStream, index: number): MimeAttachmentInfo {
  const cid = part.cid?.trim() || undefined;
  return {
    index,
    filename: part.filename,
    contentType: part.contentType,
    contentId: cid,
    inline: cid !== undefined && (part.related === true || part.contentDisposition === 'inline'),
  };
}

/** The part's Content-Transfer-Encoding, lower case ('' when absent). */
function encodingOf(part: AttachmentStream): string {
  const value = part.headers.get('content-transfer-encoding');
  return typeof value === 'string' ? value.trim().toLowerCase() : '';
}
