import { createHash, type Hash } from 'node:crypto';
import { PassThrough, type Readable } from 'node:stream';
import type { ContentRetention, ContentSource } from '../../content/content-source';

/**
 * An attachment assembled from upload-session chunks: each chunk is kept (or digested) through the
 * retention budget as it arrives, so a 150 MB attachment never sits in one buffer.
 */
export class ChunkedContent implements ContentSource {
  private readonly parts: ContentSource[] = [];
  private readonly hash: Hash = createHash('sha256');
  private digest?: string;
  size = 0;

  constructor(private readonly retention: ContentRetention) {}

  append(chunk: Buffer): void {
    this.hash.update(chunk);
    this.parts.push(this.retention.keep(chunk));
    this.size += chunk.length;
  }

  /** Called once the last chunk arrived. */
  seal(): void {
    this.digest = this.hash.digest('hex');
  }

  get readable(): boolean {
    return this.parts.every((p) => p.readable);
  }

  open(start = 0, end = this.size - 1): Readable {
    const out = new PassThrough();
    const parts = this.parts;
    void (async () => {
      let offset = 0;
      try {
        for (const p of parts) {
          const pStart = offset;
          const pEnd = offset + p.size - 1;
          offset += p.size;
          if (pEnd < start || pStart > end) continue;
          for await (const c of p.open(Math.max(start, pStart) - pStart, Math.min(end, pEnd) - pStart)) {
            if (!out.write(c)) await new Promise((r) => out.once('drain', r));
          }
        }
        out.end();
      } catch (e) {
        out.destroy(e instanceof Error ? e : new Error(String(e)));
      }
    })();
    return out;
  }

  async sha256(): Promise<string> {
    if (this.digest === undefined) throw new Error('upload not complete');
    return this.digest;
  }
}
