/**
 * A streaming reader for Drive's `multipart/related` upload body (RFC 2387): a JSON metadata part,
 * read whole (it is small and capped), then the media part, streamed to the caller without
 * buffering. Bytes are scanned for the `\r\n--boundary` delimiter with only a delimiter-sized tail kept.
 */
export class MultipartError extends Error {}

class Scanner {
  private buf: Buffer = Buffer.alloc(0);
  private ended = false;
  constructor(private readonly it: AsyncIterator<unknown>) {}

  private async fill(): Promise<boolean> {
    if (this.ended) return false;
    const r = await this.it.next();
    if (r.done) {
      this.ended = true;
      return false;
    }
    const chunk = Buffer.isBuffer(r.value) ? r.value : Buffer.from(r.value as Uint8Array);
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    return true;
  }

  /** The bytes before `delim` (consumed), at most `limit` of them. */
  async readUntil(delim: Buffer, limit: number): Promise<Buffer> {
    for (;;) {
      const idx = this.buf.indexOf(delim);
      if (idx >= 0) {
        const out = this.buf.subarray(0, idx);
        this.buf = this.buf.subarray(idx + delim.length);
        return out;
      }
      if (this.buf.length > limit + delim.length) throw new MultipartError('multipart part too large');
      if (!(await this.fill())) throw new MultipartError('unexpected end of multipart body');
    }
  }

  /** Streams the bytes before `delim`, consuming it. */
  async *streamUntil(delim: Buffer): AsyncGenerator<Buffer> {
    for (;;) {
      const idx = this.buf.indexOf(delim);
      if (idx >= 0) {
        if (idx > 0) yield this.buf.subarray(0, idx);
        this.buf = this.buf.subarray(idx + delim.length);
        return;
      }
      const safe = this.buf.length - (delim.length - 1);
      if (safe > 0) {
        const out = this.buf.subarray(0, safe);
        this.buf = this.buf.subarray(safe);
        yield out;
      }
      if (!(await this.fill())) throw new MultipartError('unexpected end of multipart body');
    }
  }

  /** Prepends bytes (used to make the first boundary look like every later one). */
  unshift(bytes: Buffer): void {
    this.buf = Buffer.concat([bytes, this.buf]);
  }
}

export interface MultipartUpload {
  readonly metadata: Buffer;
  readonly mediaType: string | undefined;
  /** The media bytes; iterate it fully (it also checks the closing boundary). */
  readonly media: AsyncIterable<Buffer>;
}

function parseHeaders(raw: Buffer): Map<string, string> {
  const headers = new Map<string, string>();
  for (const line of raw.toString('latin1').split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return headers;
}

/** The boundary parameter of a multipart Content-Type, if it is one. */
export function multipartBoundary(contentType: string | undefined): string | undefined {
  if (!contentType || !/^multipart\//i.test(contentType)) return undefined;
  const m = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return m?.[1] ?? m?.[2];
}

/** Reads the metadata part and hands back the media part as a stream. */
export async function readMultipartRelated(
  body: AsyncIterable<unknown>,
  boundary: string,
  metadataLimit: number,
): Promise<MultipartUpload> {
  const scanner = new Scanner(body[Symbol.asyncIterator]());
  const delim = Buffer.from(`\r\n--${boundary}`);
  scanner.unshift(Buffer.from('\r\n'));
  await scanner.readUntil(delim, 64 * 1024); // preamble
  await scanner.readUntil(Buffer.from('\r\n'), 1024); // rest of the boundary line
  const firstHeaders = parseHeaders(await scanner.readUntil(Buffer.from('\r\n\r\n'), 16 * 1024));
  const metadata = await scanner.readUntil(delim, metadataLimit);
  const after = await scanner.readUntil(Buffer.from('\r\n'), 1024);
  if (after.toString('latin1').startsWith('--')) throw new MultipartError('multipart body has no media part');
  const mediaHeaders = parseHeaders(await scanner.readUntil(Buffer.from('\r\n\r\n'), 16 * 1024));
  if (!(firstHeaders.get('content-type') ?? 'application/json').toLowerCase().startsWith('application/json'))
    throw new MultipartError('the first part must be JSON metadata');
  async function* media(): AsyncGenerator<Buffer> {
    yield* scanner.streamUntil(delim);
  }
  return { metadata, mediaType: mediaHeaders.get('content-type')?.split(';')[0]?.trim(), media: media() };
}
