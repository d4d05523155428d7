/**
 * Base64url-encodes a byte stream chunk by chunk (3-byte aligned, so no chunk needs its
 * neighbour), ending with Google's `=` padding. Only one chunk is ever held, encoded or not.
 */
export async function* base64urlStream(source: AsyncIterable<Buffer | Uint8Array>): AsyncGenerator<Buffer> {
  let carry = Buffer.alloc(0);
  for await (const c of source) {
    const chunk = Buffer.isBuffer(c) ? c : Buffer.from(c);
    const buf = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
    const usable = buf.length - (buf.length % 3);
    if (usable > 0) yield Buffer.from(buf.subarray(0, usable).toString('base64url'), 'latin1');
    carry = Buffer.from(buf.subarray(usable));
  }
  if (carry.length > 0)
    yield Buffer.from(carry.toString('base64url') + '='.repeat(3 - carry.length), 'latin1');
}

/** The same encoding for bytes in hand (with padding, as Gmail returns it). */
export function base64urlPadded(bytes: Buffer): string {
  const s = bytes.toString('base64url');
  return s + '='.repeat((4 - (s.length % 4)) % 4);
}
