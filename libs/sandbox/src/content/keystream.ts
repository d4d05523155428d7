import { createCipheriv, createHash } from 'node:crypto';
import { Readable } from 'node:stream';

const BLOCK = 16;
const CHUNK = 64 * 1024;
const ZEROS = Buffer.alloc(CHUNK);

/**
 * Deterministic, seekable pseudo-random bytes: the AES-128-CTR keystream for a key derived from
 * `seed`. Any range of a 10 GB "file" is produced on demand at AES speed, and nothing is held in
 * memory, which is how the sandbox serves huge seeded content without storing it.
 */
export function keystream(seed: string, start: number, endInclusive: number): Readable {
  const key = createHash('sha256').update(`ferry-sandbox:${seed}`).digest().subarray(0, 16);
  const firstBlock = Math.floor(start / BLOCK);
  const iv = Buffer.alloc(16);
  // The counter is the block index; 2^53 blocks is far beyond any size the sandbox serves.
  iv.writeUInt32BE(Math.floor(firstBlock / 2 ** 32), 8);
  iv.writeUInt32BE(firstBlock % 2 ** 32, 12);
  const cipher = createCipheriv('aes-128-ctr', key, iv);
  let skip = start - firstBlock * BLOCK;
  let remaining = endInclusive - start + 1;
  return new Readable({
    highWaterMark: CHUNK,
    read() {
      if (remaining <= 0) {
        this.push(null);
        return;
      }
      let out = cipher.update(ZEROS);
      if (skip > 0) {
        out = out.subarray(skip);
        skip = 0;
      }
      if (out.length > remaining) out = out.subarray(0, remaining);
      remaining -= out.length;
      this.push(out);
    },
  });
}

/** The SHA-256 of a keystream of `size` bytes, computed by streaming it (cost grows with size). */
export async function keystreamSha256(seed: string, size: number): Promise<string> {
  const hash = createHash('sha256');
  if (size > 0) for await (const chunk of keystream(seed, 0, size - 1)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
