import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { keystream, keystreamSha256 } from './keystream';

/**
 * Where an item's bytes come from. Seeded content is generated from a seed on every read; content a
 * client uploaded is kept (within the retention budget) or, past it, only its digest is kept.
 */
export interface ContentSource {
  readonly size: number;
  /** Streams bytes `start..end` inclusive (defaults: the whole content). */
  open(start?: number, end?: number): Readable;
  sha256(): Promise<string>;
  /** False when only the digest was kept: a read then fails with the vendor's error. */
  readonly readable: boolean;
}

export class GeneratedContent implements ContentSource {
  readonly readable = true;
  private digest?: Promise<string>;
  constructor(
    readonly seed: string,
    readonly size: number,
  ) {}

  open(start = 0, end = this.size - 1): Readable {
    if (this.size === 0 || end < start) return Readable.from([]);
    return keystream(this.seed, start, end);
  }

  sha256(): Promise<string> {
    this.digest ??= keystreamSha256(this.seed, this.size);
    return this.digest;
  }
}

export class BufferContent implements ContentSource {
  readonly readable = true;
  readonly size: number;
  private readonly digest: string;
  constructor(readonly bytes: Buffer) {
    this.size = bytes.length;
    this.digest = createHash('sha256').update(bytes).digest('hex');
  }

  open(start = 0, end = this.size - 1): Readable {
    return Readable.from([this.bytes.subarray(start, end + 1)]);
  }

  async sha256(): Promise<string> {
    return this.digest;
  }
}

/** Uploaded content past the retention budget: size and digest only. */
export class DigestOnlyContent implements ContentSource {
  readonly readable = false;
  constructor(
    readonly size: number,
    private readonly digest: string,
  ) {}

  open(): Readable {
    throw new Error('content not retained by the sandbox (over the retention budget); only its digest is kept');
  }

  async sha256(): Promise<string> {
    return this.digest;
  }
}

/**
 * Keeps uploaded bytes while the total stays under `budgetBytes` (default 256 MiB); beyond it a
 * landed item keeps only its size and SHA-256, so benchmarks that upload gigabytes stay in RAM bounds.
 */
export class ContentRetention {
  private used = 0;
  constructor(readonly budgetBytes: number = 256 * 1024 * 1024) {}

  /** Collects a streamed upload: the bytes when they fit the budget, otherwise just the digest. */
  async collect(body: AsyncIterable<Buffer | Uint8Array>, onChunk?: (n: number) => void): Promise<ContentSource> {
    const hash = createHash('sha256');
    let chunks: Buffer[] | undefined = [];
    let size = 0;
    for await (const c of body) {
      const chunk = Buffer.isBuffer(c) ? c : Buffer.from(c);
      hash.update(chunk);
      size += chunk.length;
      onChunk?.(chunk.length);
      if (chunks && this.used + size <= this.budgetBytes) chunks.push(chunk);
      else chunks = undefined;
    }
    if (chunks) {
      this.used += size;
      return new BufferContent(Buffer.concat(chunks, size));
    }
    return new DigestOnlyContent(size, hash.digest('hex'));
  }

  keep(bytes: Buffer): ContentSource {
    if (this.used + bytes.length <= this.budgetBytes) {
      this.used += bytes.length;
      return new BufferContent(bytes);
    }
    return new DigestOnlyContent(bytes.length, createHash('sha256').update(bytes).digest('hex'));
  }

  release(source: ContentSource): void {
    if (source instanceof BufferContent) this.used -= source.size;
  }
}
