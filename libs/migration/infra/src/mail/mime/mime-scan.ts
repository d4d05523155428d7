import { createHash } from 'node:crypto';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ItemRejectedError } from '@ferry/migration/application';
import {
  type AttachmentStream,
  type HeaderLines,
  type Headers,
  MailParser,
  type MessageText,
} from 'mailparser';
import { cutBase64Bodies, type MimeCut } from './mime-cuts';

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
  /**
   * A message up to this size is read into memory first and its binary base64 attachments are cut
   * out before the parse and decoded natively (about ten times faster than through the parser, whose
   * line splitter walks every byte); a larger one streams through the parser. Default 0: stream all.
   */
  readonly bufferBytes?: number;
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
  /** Attachment bodies decoded apart from the parser (a message read whole; see `bufferBytes`). */
  readonly cutBodies: number;
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
 * Reads a message's MIME once: attachments go to `onAttachment` one at a time, in MIME order, the
 * header section and bodies are kept (bounded by `limits.maxTextBytes`), and every source byte is
 * hashed. Source failures are rethrown as they are; MIME that is not a message is
 * `ItemRejectedError('corrupt')`, text beyond the limit `('too-large')`. A message larger than
 * `limits.bufferBytes` streams through mailparser (attachments handed over as they are decoded, never
 * buffered here); a smaller one is read whole and parsed with its binary attachments cut out.
 */
export async function scanMime(
  source: Readable,
  onAttachment: AttachmentHandler,
  limits: MimeScanLimits,
): Promise<MimeScanResult> {
  const bufferBytes = limits.bufferBytes ?? 0;
  if (bufferBytes <= 0) return streamScan(source, onAttachment, limits);
  const head = await readUpTo(source, bufferBytes);
  if (head.rest === undefined)
    return bufferedScan(Buffer.concat(head.chunks, head.bytes), onAttachment, limits);
  return streamScan(
    Readable.from(replay(head.chunks, head.rest), { objectMode: false }),
    onAttachment,
    limits,
  );
}

/** Reads `source` until it ends or more than `limit` bytes came; `rest` continues it when it did not end. */
async function readUpTo(
  source: Readable,
  limit: number,
): Promise<{ chunks: Buffer[]; bytes: number; rest: AsyncIterator<unknown> | undefined }> {
  const iterator = source[Symbol.asyncIterator]();
  const chunks: Buffer[] = [];
  let bytes = 0;
  for (;;) {
    const next = await iterator.next();
    if (next.done) return { chunks, bytes, rest: undefined };
    const chunk = typeof next.value === 'string' ? Buffer.from(next.value) : (next.value as Buffer);
    chunks.push(chunk);
    bytes += chunk.length;
    if (bytes > limit) return { chunks, bytes, rest: iterator };
  }
}

async function* replay(chunks: Buffer[], rest: AsyncIterator<unknown>): AsyncGenerator<Buffer> {
  while (chunks.length > 0) yield chunks.shift() as Buffer;
  for (let next = await rest.next(); !next.done; next = await rest.next())
    yield typeof next.value === 'string' ? Buffer.from(next.value) : (next.value as Buffer);
}

/**
 * A whole message in memory: parsed with its binary base64 bodies cut out (`cutBase64Bodies`), which
 * is used only when mailparser hands every cut's marker back as exactly one attachment's content, so
 * it saw the parts the cuts assumed; else the message is parsed as it is. Attachments are collected
 * first and handed over once the parse is known good, so the handler never sees one twice.
 */
async function bufferedScan(
  mime: Buffer,
  onAttachment: AttachmentHandler,
  limits: MimeScanLimits,
): Promise<MimeScanResult> {
  const skeleton = cutBase64Bodies(mime);
  if (!skeleton) return streamScan(mime, onAttachment, limits);
  const found: { info: MimeAttachmentInfo; content: Buffer; sourceBytes: number }[] = [];
  const markers = new Map(skeleton.cuts.map((cut) => [cut.marker.toString('latin1'), cut]));
  const used = new Set<MimeCut>();
  let cutsMissed = false;
  const scan = await streamScan(
    skeleton.bytes,
    async (info, content, sourceBytes) => {
      const parts: Buffer[] = [];
      for await (const chunk of content as AsyncIterable<Buffer>) parts.push(chunk);
      const bytes = Buffer.concat(parts);
      const cut = bytes.length < 64 ? markers.get(bytes.toString('latin1')) : undefined;
      if (!cut || used.has(cut)) {
        found.push({ info, content: bytes, sourceBytes: sourceBytes() });
        return;
      }
      used.add(cut);
      found.push({ info, content: Buffer.from(cut.base64, 'base64'), sourceBytes: cut.base64.length });
    },
    // The skeleton's text is the message's: the check is made below, on the message's own figures.
    { maxTextBytes: Number.MAX_SAFE_INTEGER },
  ).catch((err: unknown) => {
    if (!(err instanceof ItemRejectedError)) throw err;
    cutsMissed = true;
    return undefined;
  });
  if (!scan || cutsMissed || used.size !== skeleton.cuts.length)
    return streamScan(mime, onAttachment, limits);
  const textBytes = mime.length - found.reduce((sum, a) => sum + a.sourceBytes, 0);
  if (textBytes - PARSER_LAG > limits.maxTextBytes)
    throw new ItemRejectedError('too-large', `the message's text parts exceed ${limits.maxTextBytes} bytes`);
  for (const a of found) await onAttachment(a.info, Readable.from([a.content], { objectMode: false }));
  return {
    ...scan,
    sha256: createHash('sha256').update(mime).digest('hex'),
    bytes: mime.length,
    cutBodies: used.size,
  };
}

/** What `streamScan` gives a handler besides the content: the source bytes the part took so far. */
type StreamHandler = (
  info: MimeAttachmentInfo,
  content: Readable,
  sourceBytes: () => number,
) => Promise<void>;

/**
 * mailparser over a stream, or over a message in memory, which is handed to it at once (no stream,
 * and its text is measured once the parse is done: it is in memory already).
 */
async function streamScan(
  source: Readable | Buffer,
  onAttachment: StreamHandler,
  limits: MimeScanLimits,
): Promise<MimeScanResult> {
  const hash = createHash('sha256');
  let bytes = 0;
  // Lower bound of the source bytes the attachments handed over so far took: what is left is text.
  let attachmentBytes = 0;
  let sourceError: Error | undefined;
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
  // A parser that stops early (its own failure, or the source's or a refusal tearing the feed down)
  // never ends the part it was in: that part is failed with the cause, or its handler waits forever.
  let reading: Transform | undefined;
  let stopped: Error | undefined;
  parser.once('close', () => {
    if (!parser.readableEnded) stopped = stopCause(parser.errored, sourceError);
    if (stopped) reading?.destroy(stopped);
  });
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
  let feeding: Promise<void>;
  if (Buffer.isBuffer(source)) {
    hash.update(source);
    bytes = source.length;
    parser.end(source);
    feeding = Promise.resolve();
  } else {
    source.once('error', (err: Error) => (sourceError ??= err));
    feeding = pipeline(source, meter, parser);
    // The outcome is read from the iteration below; this only keeps a failed pipeline from going unhandled.
    feeding.catch(() => undefined);
  }
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
      let partBytes = 0;
      const counted = new Transform({
        transform(chunk: Buffer, _encoding, callback: TransformCallback) {
          partBytes += chunk.length * ratio;
          attachmentBytes += chunk.length * ratio;
          callback(null, chunk);
        },
      });
      part.content.once('error', (err: Error) => counted.destroy(err));
      part.content.pipe(counted);
      reading = counted;
      if (stopped) counted.destroy(stopped);
      try {
        await onAttachment(attachmentInfo(part, index++), counted, () => partBytes);
      } catch (err) {
        handlerError = err instanceof Error ? err : new Error('an attachment handler failed');
        throw err;
      } finally {
        reading = undefined;
        // A handler that stopped early: the rest still has to pass for the parser to go on.
        if (!counted.readableEnded) counted.resume();
        part.release?.();
      }
    }
    await feeding;
  } catch (err) {
    if (!Buffer.isBuffer(source)) source.destroy();
    // A refusal, a handler's or the source's failure keeps its meaning; only mailparser's own is about
    // the MIME. (A source the pipeline tore down after another failure reports an AbortError: not its own.)
    if (err instanceof ItemRejectedError) throw err;
    if (handlerError !== undefined) throw handlerError;
    if (sourceError !== undefined) throw sourceError;
    throw new ItemRejectedError('corrupt', 'the MIME could not be parsed');
  }
  if (Buffer.isBuffer(source) && bytes - attachmentBytes - PARSER_LAG > limits.maxTextBytes)
    throw new ItemRejectedError('too-large', `the message's text parts exceed ${limits.maxTextBytes} bytes`);
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
    cutBodies: 0,
  };
}

/** Why a parse stopped before its end, as a scan reports it: a refusal or the source's failure as it is, else corrupt MIME. */
function stopCause(errored: Error | null, sourceError: Error | undefined): Error {
  if (errored instanceof ItemRejectedError) return errored;
  return sourceError ?? new ItemRejectedError('corrupt', 'the MIME could not be parsed');
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
