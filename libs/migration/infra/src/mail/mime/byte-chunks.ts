import type { Readable } from 'node:stream';

/**
 * Yields a stream's bytes in pieces of exactly `size` bytes (the last one may be shorter, and an
 * empty stream yields nothing). Holds at most one piece and one source chunk, so an upload in fixed
 * ranges (Graph upload sessions, resumable uploads) streams with memory set by `size`.
 */
export async function* byteChunks(stream: Readable, size: number): AsyncGenerator<Buffer> {
  let parts: Buffer[] = [];
  let held = 0;
  for await (const chunk of stream) {
    let bytes = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    while (bytes.length > 0) {
      const take = Math.min(size - held, bytes.length);
      parts.push(bytes.subarray(0, take));
      held += take;
      bytes = bytes.subarray(take);
      if (held === size) {
        yield Buffer.concat(parts, held);
        parts = [];
        held = 0;
      }
    }
  }
  if (held > 0) yield Buffer.concat(parts, held);
}
