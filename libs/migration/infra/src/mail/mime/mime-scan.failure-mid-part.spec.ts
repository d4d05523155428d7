import { Readable } from 'node:stream';
import { ProviderError } from '@ferry/providers/core';
import { byteChunks } from './byte-chunks';
import { scanMime } from './mime-scan';

const MiB = 1024 * 1024;

/** A message with one 4 MiB base64 attachment (the bench's large case), CRLF line ends. */
function largeMessage(): Buffer {
  const body = Buffer.alloc(4 * MiB, 7)
    .toString('base64')
    .replace(/.{76}/g, '$&\r\n');
  return Buffer.from(
    [
      'From: a@fabrikam.example',
      'Subject: s',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary=B',
      '',
      '--B',
      'Content-Type: text/plain',
      '',
      'hi',
      '--B',
      'Content-Type: application/octet-stream; name=big.bin',
      'Content-Disposition: attachment; filename=big.bin',
      'Content-Transfer-Encoding: base64',
      '',
      body,
      '--B--',
      '',
    ].join('\r\n'),
    'latin1',
  );
}

/** The first `upTo` bytes of `raw` in 64 KiB chunks, then the answer breaks (as a reset connection does). */
function breaking(raw: Buffer, upTo: number): Readable {
  async function* chunks(): AsyncGenerator<Buffer> {
    for (let at = 0; at < upTo; at += 64 * 1024) {
      yield raw.subarray(at, Math.min(upTo, at + 64 * 1024));
      await new Promise((resolve) => setImmediate(resolve));
    }
    throw new ProviderError('unreachable', 'source.example closed the connection mid-answer');
  }
  return Readable.from(chunks(), { objectMode: false });
}

describe('a MIME scan whose source fails in the middle of an attachment', () => {
  // Without the fix the handler waits forever for the rest of the part: the test times out.
  jest.setTimeout(15_000);

  it.each([
    ['streamed', 0],
    ['larger than it may hold', 3 * MiB],
  ])('fails the part its handler is reading with the source failure (%s)', async (_name, bufferBytes) => {
    const raw = largeMessage();
    let handed = 0;
    let read = 0;
    const scan = scanMime(
      breaking(raw, Math.floor(raw.length * 0.7)),
      async (_info, content) => {
        handed++;
        // As the Graph uploader reads it: fixed ranges, each sent before the next is read.
        for await (const piece of byteChunks(content, 320 * 1024)) {
          read += piece.length;
          await new Promise((resolve) => setImmediate(resolve));
        }
      },
      { maxTextBytes: 8 * MiB, bufferBytes },
    );
    await expect(scan).rejects.toMatchObject({ name: 'ProviderError', code: 'unreachable' });
    expect(handed).toBe(1);
    expect(read).toBeGreaterThan(0);
    expect(read).toBeLessThan(4 * MiB);
  });
});
