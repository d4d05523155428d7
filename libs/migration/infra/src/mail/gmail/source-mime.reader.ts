import { createHash, type Hash } from 'node:crypto';
import type { Readable } from 'node:stream';

/**
 * Reads a source message's MIME on demand, in pieces the caller sizes (a header section, an upload
 * chunk), hashing every source byte once in order. At most one source chunk is held beyond what the
 * caller asked for, so memory follows the caller's piece size, not the message's.
 */
export class SourceMimeReader {
  private readonly iterator: AsyncIterator<unknown>;
  private readonly hash: Hash = createHash('sha256');
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private done = false;
  /** Source bytes read so far. */
  sourceBytes = 0;

  constructor(private readonly source: Readable) {
    this.iterator = source[Symbol.asyncIterator]();
  }

  /** Pulls one more source chunk into the pending bytes; false at the end of the source. */
  private async pull(): Promise<boolean> {
    if (this.done) return false;
    const next = await this.iterator.next();
    if (next.done) {
      this.done = true;
      return false;
    }
    const chunk = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value as Uint8Array);
    this.hash.update(chunk);
    this.sourceBytes += chunk.length;
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    return true;
  }

  /** The next `size` bytes (fewer only at the end of the source). */
  async take(size: number): Promise<Buffer> {
    while (this.pendingBytes < size && (await this.pull()));
    const all = this.pending.length === 1 ? (this.pending[0] as Buffer) : Buffer.concat(this.pending);
    const out = all.subarray(0, size);
    // The rest is copied so the returned piece does not keep a larger buffer alive after it is sent.
    const rest = Buffer.from(all.subarray(out.length));
    this.pending = rest.length > 0 ? [rest] : [];
    this.pendingBytes = rest.length;
    return out;
  }

  /**
   * The bytes up to and including the first line for which `end` finds the end of what is wanted (a
   * header section), or at most `limit` bytes when it finds none; the bytes stay unread.
   */
  async peek(limit: number, end: (head: Buffer) => number): Promise<Buffer> {
    for (;;) {
      const head = this.pending.length === 1 ? (this.pending[0] as Buffer) : Buffer.concat(this.pending);
      this.pending = head.length > 0 ? [head] : [];
      const at = end(head.subarray(0, limit));
      if (at >= 0 || head.length >= limit || !(await this.pull()))
        return head.subarray(0, at >= 0 ? at : limit);
    }
  }

  /** True once every source byte has been taken. */
  async atEnd(): Promise<boolean> {
    return this.pendingBytes === 0 && !(await this.pull());
  }

  /** Reads the rest of the source into the hash only (the copy exists already; the hash is still owed). */
  async drain(): Promise<void> {
    this.pending = [];
    this.pendingBytes = 0;
    while (await this.pull()) {
      this.pending = [];
      this.pendingBytes = 0;
    }
  }

  /** SHA-256 (hex) of the whole source; call once the source was read to its end. */
  digest(): string {
    return this.hash.digest('hex');
  }

  /** Releases the source (on failure or when the rest is not wanted). */
  close(): void {
    this.source.destroy();
  }
}
