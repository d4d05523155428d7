/** QuickXorHash's width in bits and bytes, and the shift between consecutive input bytes. */
const WIDTH_BITS = 160;
const WIDTH_BYTES = WIDTH_BITS / 8;
const SHIFT = 11;

/**
 * OneDrive for Business's content hash (`file.hashes.quickXorHash`): a 160-bit circular vector in
 * which input byte k is XOR-ed in at bit (11 * k) mod 160, with the content length XOR-ed into the
 * last 8 bytes (little-endian), base64-encoded.
 *
 * Byte k and byte k + 160 land on the same bit position, so this keeps one XOR accumulator per
 * position class (k mod 160) and places the 160 accumulators once, in `digest()`. That keeps the
 * per-byte work to one XOR, which matters when hashing uploads of gigabytes.
 */
export class QuickXorHash {
  private readonly lanes = new Uint8Array(WIDTH_BITS);
  private length = 0;

  update(chunk: Uint8Array): this {
    const lanes = this.lanes;
    let lane = this.length % WIDTH_BITS;
    for (let i = 0; i < chunk.length; i++) {
      lanes[lane] = (lanes[lane] ?? 0) ^ (chunk[i] ?? 0);
      lane = lane === WIDTH_BITS - 1 ? 0 : lane + 1;
    }
    this.length += chunk.length;
    return this;
  }

  /** The base64 digest, as Graph returns it. */
  digest(): string {
    const out = new Uint8Array(WIDTH_BYTES);
    for (let lane = 0; lane < WIDTH_BITS; lane++) {
      const value = this.lanes[lane] ?? 0;
      if (value === 0) continue;
      const bit = (lane * SHIFT) % WIDTH_BITS;
      const spread = value << (bit & 7);
      const at = bit >> 3;
      out[at] = (out[at] ?? 0) ^ (spread & 0xff);
      const next = (at + 1) % WIDTH_BYTES;
      out[next] = (out[next] ?? 0) ^ (spread >> 8);
    }
    // The length is a 64-bit little-endian integer XOR-ed into the last 8 bytes.
    let len = BigInt(this.length);
    for (let i = 0; i < 8; i++) {
      const at = WIDTH_BYTES - 8 + i;
      out[at] = (out[at] ?? 0) ^ Number(len & 0xffn);
      len >>= 8n;
    }
    return Buffer.from(out).toString('base64');
  }
}

/** Hashes a stream of chunks (a content source's `open()`), e.g. for seeded content on first read. */
export async function quickXorOf(chunks: AsyncIterable<Buffer | Uint8Array>): Promise<string> {
  const hash = new QuickXorHash();
  for await (const chunk of chunks) hash.update(chunk);
  return hash.digest();
}
