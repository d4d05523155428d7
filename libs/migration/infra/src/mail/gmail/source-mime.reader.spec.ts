import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { headerSectionEnd } from './ferry-headers';
import { SourceMimeReader } from './source-mime.reader';

function source(bytes: Buffer, piece: number): Readable {
  const parts: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += piece) parts.push(bytes.subarray(at, at + piece));
  return Readable.from(parts, { objectMode: false });
}

describe('gmail source MIME reader', () => {
  it('peeks the header section, then takes pieces of the size asked, hashing the source once', async () => {
    const body = randomBytes(10_000);
    const mime = Buffer.concat([Buffer.from('From: a@x\r\nSubject: s\r\n\r\n'), body]);
    const reader = new SourceMimeReader(source(mime, 333));
    const head = await reader.peek(1024, headerSectionEnd);
    expect(head.toString()).toBe('From: a@x\r\nSubject: s\r\n');
    const taken: Buffer[] = [];
    for (;;) {
      const piece = await reader.take(4096);
      if (piece.length > 0) taken.push(piece);
      if (await reader.atEnd()) break;
      expect(piece.length).toBe(4096);
    }
    expect(Buffer.concat(taken).equals(mime)).toBe(true);
    expect(reader.sourceBytes).toBe(mime.length);
    expect(reader.digest()).toBe(createHash('sha256').update(mime).digest('hex'));
  });

  it('stops peeking at its limit when there is no header end, and drains the rest into the hash', async () => {
    const mime = Buffer.alloc(5000, 'h');
    const reader = new SourceMimeReader(source(mime, 700));
    expect((await reader.peek(1000, headerSectionEnd)).length).toBe(1000);
    await reader.drain();
    expect(reader.digest()).toBe(createHash('sha256').update(mime).digest('hex'));
  });
});
