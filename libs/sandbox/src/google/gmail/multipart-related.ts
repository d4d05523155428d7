import { gmailErrors } from './gmail-errors';
import { parseHeaderLines, type MimeHeader } from './mime-headers';

const MAX_PART_HEAD = 16 * 1024;

/**
 * Reads a `multipart/related` upload body (Google's multipart upload protocol: a JSON metadata part,
 * then the media part) part by part, streaming each part's body without buffering it.
 */
export class MultipartReader {
  private buf: Buffer = Buffer.from('\r\n');
  private readonly delimiter: Buffer;
  private closed = false;
  private readonly source: AsyncIterator<Buffer | Uint8Array>;
  private exhausted = false;
  private started = false;

  constructor(body: AsyncIterable<Buffer | Uint8Array>, boundary: string) {
    this.delimiter = Buffer.from(`\r\n--${boundary}`);
    this.source = body[Symbol.asyncIterator]();
  }

  private async pull(): Promise<boolean> {
    if (this.exhausted) return false;
    const next = await this.source.next();
    if (next.done) {
      this.exhausted = true;
      return false;
    }
    const chunk = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value);
    this.buf = this.buf.length > 0 ? Buffer.concat([this.buf, chunk]) : chunk;
    return true;
  }

  /** Reads the next part's headers (after draining the preamble, the first time); undefined after the last part. Drain each part's body first. */
  async nextPart(): Promise<MimeHeader[] | undefined> {
    if (!this.started) {
      this.started = true;
      for await (const preamble of this.body()) void preamble;
    }
    if (this.closed) return undefined;
    for (;;) {
      if (this.buf.length >= 2 && this.buf.subarray(0, 2).toString() === '\r\n') {
        this.buf = this.buf.subarray(2);
        return [];
      }
      const end = this.buf.indexOf('\r\n\r\n');
      if (end >= 0) {
        const head = this.buf.subarray(0, end).toString('utf8');
        this.buf = this.buf.subarray(end + 4);
        return parseHeaderLines(head.split('\r\n'));
      }
      if (this.buf.length > MAX_PART_HEAD || !(await this.pull()))
        throw gmailErrors.invalid('Malformed multipart body.');
    }
  }

  /** Whether another part follows the delimiter just consumed (`--` closes the body). */
  private async afterDelimiter(): Promise<boolean> {
    while (this.buf.length < 2)
      if (!(await this.pull())) throw gmailErrors.invalid('Malformed multipart body.');
    if (this.buf.subarray(0, 2).toString() === '--') {
      this.closed = true;
      return false;
    }
    const nl = this.buf.indexOf('\r\n');
    this.buf = nl >= 0 ? this.buf.subarray(nl + 2) : this.buf.subarray(2);
    return true;
  }

  /** Streams the current part's body up to the next delimiter. */
  async *body(): AsyncGenerator<Buffer> {
    let from = 0;
    for (;;) {
      const at = this.buf.indexOf(this.delimiter, from);
      if (at >= 0) {
        const after = at + this.delimiter.length;
        // RFC 2046: a delimiter is followed by "--" or by optional whitespace and CRLF; else it is content.
        while (this.buf.length < after + 2 && (await this.pull()));
        const rest = this.buf.subarray(after, Math.min(this.buf.length, after + 80)).toString('latin1');
        if (rest.startsWith('--') || /^[ \t]*\r\n/.test(rest) || (this.exhausted && rest.trim() === '')) {
          if (at > 0) yield this.buf.subarray(0, at);
          this.buf = this.buf.subarray(after);
          await this.afterDelimiter();
          return;
        }
        from = after;
        continue;
      }
      const keep = this.delimiter.length + 1;
      if (this.buf.length > keep) {
        const out = this.buf.subarray(0, this.buf.length - keep);
        this.buf = Buffer.from(this.buf.subarray(this.buf.length - keep));
        from = 0;
        yield out;
      }
      if (!(await this.pull())) throw gmailErrors.invalid('Malformed multipart body.');
    }
  }
}
