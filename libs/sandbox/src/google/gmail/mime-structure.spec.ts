import { Readable } from 'node:stream';
import MailComposer from 'nodemailer/lib/mail-composer';
import { composeSeededMime } from '../../content/seeded-mime';
import { keystream } from '../../content/keystream';
import { base64urlStream } from './base64url-stream';
import { analyzeMime } from './mime-structure';

async function bytesOf(stream: AsyncIterable<Buffer | Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c));
  return Buffer.concat(chunks);
}

/** Re-chunks a buffer into small odd-sized pieces, so boundaries straddle chunk edges. */
function chunked(buf: Buffer, size = 37): Readable {
  const parts: Buffer[] = [];
  for (let i = 0; i < buf.length; i += size) parts.push(buf.subarray(i, i + size));
  return Readable.from(parts);
}

describe('MIME structure analysis', () => {
  it('finds the parts of a seeded message and decodes the requested attachment byte for byte', async () => {
    const spec = {
      seed: 'spec/1',
      from: { name: 'A', address: 'a@x.example' },
      to: [{ name: 'B', address: 'b@x.example' }],
      subject: 'Réunion',
      date: new Date(0),
      messageId: '<m@x>',
      text: 'Hello there',
      attachments: [
        { filename: 'données.csv', contentType: 'text/csv', size: 10_000 },
        { filename: 'b.bin', contentType: 'application/zip', size: 3 },
      ],
    };
    const mime = await bytesOf(composeSeededMime(spec));
    const root = await analyzeMime(chunked(mime), { captureTextBelow: 1024, capturePartId: '1' });
    expect(root.mimeType).toBe('multipart/mixed');
    expect(root.headers.find((h) => h.name === 'Subject')?.value).toBe('Réunion');
    expect(root.parts.map((p) => [p.partId, p.mimeType, p.filename])).toEqual([
      ['0', 'text/plain', ''],
      ['1', 'text/csv', 'données.csv'],
      ['2', 'application/zip', 'b.bin'],
    ]);
    expect(root.parts[0]?.data?.toString('utf8')).toBe('Hello there');
    expect(root.parts[1]?.data?.equals(await bytesOf(keystream('spec/1/att/0', 0, 9_999)))).toBe(true);
    expect(root.parts[2]?.size).toBe(3);
  });

  it('walks nested multiparts and decodes quoted-printable text', async () => {
    const mime = await new MailComposer({
      from: 'a@x.example',
      to: 'b@x.example',
      subject: '=?x',
      text: 'caf\u00e9 '.repeat(30),
      html: '<p>caf\u00e9</p>',
      attachments: [{ filename: 'x.txt', content: 'attached text' }],
      textEncoding: 'quoted-printable',
    })
      .compile()
      .build();
    const root = await analyzeMime(chunked(mime, 11), { captureTextBelow: 1 << 20 });
    expect(root.mimeType).toBe('multipart/mixed');
    const alt = root.parts[0];
    expect(alt?.mimeType).toBe('multipart/alternative');
    expect(alt?.parts.map((p) => p.partId)).toEqual(['0.0', '0.1']);
    expect(alt?.parts[0]?.data?.toString('utf8')).toBe('caf\u00e9 '.repeat(30));
    expect(root.parts[1]?.filename).toBe('x.txt');
  });

  it('stops after the top-level headers when asked', async () => {
    const root = await analyzeMime(chunked(Buffer.from('From: a@x.example\r\nSubject: hi\r\n\r\nbody')), {
      headersOnly: true,
    });
    expect(root.headers.map((h) => h.name)).toEqual(['From', 'Subject']);
  });
});

describe('base64url streaming', () => {
  it('matches whole-buffer encoding (with padding) whatever the chunking', async () => {
    for (const n of [0, 1, 2, 3, 1000, 65_537]) {
      const buf = Buffer.from(Array.from({ length: n }, (_, i) => (i * 7) % 256));
      const streamed = (await bytesOf(base64urlStream(chunked(buf, 5)))).toString('latin1');
      expect(Buffer.from(streamed, 'base64url').equals(buf)).toBe(true);
      expect(streamed.length % 4).toBe(0);
      expect(streamed).not.toMatch(/[+/]/);
    }
  });
});
