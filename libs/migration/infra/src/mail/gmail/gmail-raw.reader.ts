import { type Readable, Transform, type TransformCallback } from 'node:stream';
import { ProviderError } from '@ferry/providers/core';
import { Base64urlDecoder } from './base64url-decoder';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
/** Keys longer than this are not `raw`: only their beginning is kept. */
const MAX_KEY = 16;

function unreadable(): ProviderError {
  return new ProviderError('provider-error', 'Gmail messages.get answered with an unreadable raw message');
}

/**
 * Pulls the message bytes out of a `messages.get?format=raw` answer as it arrives. The answer is a JSON
 * object whose `raw` member is the whole message base64url-encoded in one string (a 150 MB message is a
 * 200 MB string), so the JSON is scanned, not parsed: structure outside strings is tracked byte by byte
 * until the top-level `raw` string opens, and from there each chunk is searched for the closing quote
 * and decoded in bulk. Memory stays at one chunk whatever the message's size.
 *
 * Why not stream-json: it cuts long strings into 256-character tokens and measured 18 MB/s here (about
 * 11 s for a 150 MB message, 5 ms for a 75 KB one, which alone would cap a worker near 180 messages a
 * second). Inside other strings UTF-8 needs no decoding: its multi-byte sequences never contain a
 * quote or a backslash byte.
 */
export class RawMessageExtractor extends Transform {
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** At depth 1, after `{` or `,`: the next string is a key. */
  private keyNext = false;
  private readingKey = false;
  private key = '';
  /** The key that names the value now expected (after its colon). */
  private valueKey: string | undefined;
  private decoder: Base64urlDecoder | undefined;
  private found = false;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    try {
      this.scan(chunk);
      done();
    } catch (error) {
      done(error instanceof ProviderError ? error : unreadable());
    }
  }

  override _flush(done: TransformCallback): void {
    if (this.decoder !== undefined || !this.found || this.depth !== 0)
      done(new ProviderError('provider-error', 'Gmail messages.get answered without the raw message'));
    else done();
  }

  private scan(chunk: Buffer): void {
    let at = 0;
    while (at < chunk.length) {
      if (this.decoder) at = this.raw(chunk, at);
      else at = this.structure(chunk, at);
    }
  }

  /** Inside the raw string: decode up to the closing quote (or the chunk's end). */
  private raw(chunk: Buffer, from: number): number {
    const decoder = this.decoder as Base64urlDecoder;
    const end = chunk.indexOf(QUOTE, from);
    const upTo = end < 0 ? chunk.length : end;
    // Base64url never needs a JSON escape: a backslash is a corrupt answer.
    if (chunk.subarray(from, upTo).includes(BACKSLASH)) throw unreadable();
    const bytes = decoder.push(chunk.toString('latin1', from, upTo));
    if (bytes.length > 0) this.push(bytes);
    if (end < 0) return chunk.length;
    const rest = decoder.end();
    if (rest.length > 0) this.push(rest);
    this.decoder = undefined;
    this.found = true;
    this.valueKey = undefined;
    return end + 1;
  }

  /** Outside the raw string: one byte of JSON structure (or of a string being skipped). */
  private structure(chunk: Buffer, at: number): number {
    const c = chunk[at] as number;
    if (this.inString) {
      if (this.escaped) this.escaped = false;
      else if (c === BACKSLASH) this.escaped = true;
      else if (c === QUOTE) {
        this.inString = false;
        if (this.readingKey) {
          this.readingKey = false;
          this.valueKey = undefined;
        }
      } else if (this.readingKey && this.key.length < MAX_KEY) this.key += String.fromCharCode(c);
      return at + 1;
    }
    switch (c) {
      case QUOTE:
        if (this.depth === 1 && this.keyNext) {
          this.keyNext = false;
          this.readingKey = true;
          this.key = '';
          this.inString = true;
        } else if (this.depth === 1 && this.valueKey === 'raw' && !this.found) {
          this.decoder = new Base64urlDecoder();
        } else this.inString = true;
        break;
      case COLON:
        if (this.depth === 1) this.valueKey = this.key;
        break;
      case COMMA:
        if (this.depth === 1) {
          this.keyNext = true;
          this.valueKey = undefined;
        }
        break;
      case 0x7b: // {
      case 0x5b: // [
        this.depth++;
        if (this.depth === 1) {
          if (c !== 0x7b) throw unreadable();
          this.keyNext = true;
        }
        this.valueKey = this.depth === 1 ? undefined : this.valueKey;
        break;
      case 0x7d: // }
      case 0x5d: // ]
        this.depth--;
        if (this.depth < 0) throw unreadable();
        break;
      default:
        break;
    }
    return at + 1;
  }
}

/**
 * The message inside a raw answer as a byte stream (see `RawMessageExtractor`). A failure of the
 * answer (a reset, the idle timeout) fails the stream with the transport's error, an answer that
 * closes before its end fails it too; destroying the stream releases the answer. Wired by hand, not
 * with `pipeline`, which makes an AbortController and aborts it (a DOMException with its stack) for
 * every message.
 */
export function rawMessageStream(answer: Readable): Readable {
  const extractor = new RawMessageExtractor();
  answer.once('error', (err: Error) => extractor.destroy(err));
  answer.once('close', () => {
    if (!answer.readableEnded && !extractor.destroyed)
      extractor.destroy(
        answer.errored ?? new ProviderError('unreachable', 'the Gmail answer stopped before its end'),
      );
  });
  extractor.once('close', () => {
    if (!answer.readableEnded) answer.destroy();
  });
  answer.pipe(extractor);
  return extractor;
}
