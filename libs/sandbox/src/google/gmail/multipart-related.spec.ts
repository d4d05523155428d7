import { Readable } from 'node:stream';
import { MultipartReader } from './multipart-related';

async function drain(body: AsyncIterable<Buffer>): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of body) chunks.push(c);
  return Buffer.concat(chunks).toString('utf8');
}

describe('multipart/related upload reader', () => {
  const body =
    '--b1\r\ncontent-type: application/json\r\n\r\n{"labelIds":["INBOX"]}\r\n--b1\r\ncontent-type: message/rfc822\r\n\r\nFrom: a@x\r\n\r\nline\r\n--b1x\r\n--b1--';
  it.each([1, 3, 7, 1000])('splits the metadata and media parts with chunks of %i bytes', async (size) => {
    const buf = Buffer.from(body);
    const parts: Buffer[] = [];
    for (let i = 0; i < buf.length; i += size) parts.push(buf.subarray(i, i + size));
    const reader = new MultipartReader(Readable.from(parts), 'b1');
    const h1 = await reader.nextPart();
    expect(h1?.[0]?.value).toBe('application/json');
    expect(JSON.parse(await drain(reader.body()))).toEqual({ labelIds: ['INBOX'] });
    const h2 = await reader.nextPart();
    expect(h2?.[0]?.value).toBe('message/rfc822');
    expect(await drain(reader.body())).toBe('From: a@x\r\n\r\nline\r\n--b1x');
    expect(await reader.nextPart()).toBeUndefined();
  });

  it('fails with a 400 on a body that never closes', async () => {
    const reader = new MultipartReader(
      Readable.from([Buffer.from('--b1\r\ncontent-type: a/b\r\n\r\nopen-ended')]),
      'b1',
    );
    await reader.nextPart();
    await expect(drain(reader.body())).rejects.toMatchObject({ status: 400 });
  });
});
