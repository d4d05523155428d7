import { createHash, randomBytes } from 'node:crypto';
import { PassThrough, Readable } from 'node:stream';
import { ProviderError } from '@ferry/providers/core';
import { rawMessageStream } from './gmail-raw.reader';
import { liveMemory } from './live-memory.testing';

/** A byte stream of `text` in chunks of `size` bytes, as a socket would deliver it. */
function chunked(text: string, size: number): Readable {
  const bytes = Buffer.from(text, 'utf8');
  async function* parts(): AsyncGenerator<Buffer> {
    for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
  }
  return Readable.from(parts(), { objectMode: false });
}

async function collect(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

async function failure(stream: Readable): Promise<unknown> {
  try {
    await collect(stream);
  } catch (error) {
    return error;
  }
  throw new Error('expected the stream to fail');
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('gmail raw answer reader', () => {
  it('decodes the raw field of an answer delivered in small pieces, whatever other fields come first', async () => {
    const mime = randomBytes(20_003);
    const answer = JSON.stringify(
      {
        id: '18c0ffee',
        labelIds: ['INBOX', 'Label_"1\\', 'été'],
        kind: 'raw',
        nested: { raw: 'not this one', list: [{ raw: 'nor this' }] },
        size: 12,
        raw: mime.toString('base64url') + '=',
      },
      null,
      2,
    );
    for (const size of [1, 7, 4096]) {
      expect(sha256(await collect(rawMessageStream(chunked(answer, size))))).toBe(sha256(mime));
    }
  });

  it('reads a large answer holding only a few chunks at once', async () => {
    const live = liveMemory();
    const mime = Buffer.alloc(24 * 1024 * 1024, 'a');
    const encoded = Buffer.from(mime.toString('base64url'));
    const source = new PassThrough();
    const out = rawMessageStream(source);
    const base = live();
    // Written with backpressure, so nothing upstream holds the whole answer either.
    const writing = (async () => {
      source.write('{"raw":"');
      for (let at = 0; at < encoded.length; at += 65_536) {
        if (!source.write(encoded.subarray(at, at + 65_536)))
          await new Promise((r) => source.once('drain', r));
      }
      source.end('"}');
    })();
    const hash = createHash('sha256');
    let peak = 0;
    let read = 0;
    for await (const part of out) {
      hash.update(part as Buffer);
      read += (part as Buffer).length;
      if (read % (4 * 1024 * 1024) < (part as Buffer).length) peak = Math.max(peak, live() - base);
    }
    await writing;
    expect(hash.digest('hex')).toBe(sha256(mime));
    // The answer is 32 MiB and the message 24 MiB; what stays alive is a few chunks and the runtime's noise.
    expect(peak).toBeLessThan(8 * 1024 * 1024);
  });

  it('fails with a Ferry-written error when the answer has no raw field or is not JSON', async () => {
    const none = await failure(rawMessageStream(chunked('{"id":"1"}', 3)));
    expect(none).toBeInstanceOf(ProviderError);
    const broken = await failure(rawMessageStream(chunked('{"raw":"QUJD" secret@example.com', 3)));
    expect(broken).toBeInstanceOf(ProviderError);
    expect((broken as Error).message).not.toContain('secret');
    const notBase64 = await failure(rawMessageStream(chunked('{"raw":"QU JD"}', 3)));
    expect(notBase64).toBeInstanceOf(ProviderError);
  });

  it('passes on the transport failure of an answer cut off mid-way', async () => {
    const source = new PassThrough();
    const out = rawMessageStream(source);
    source.write('{"raw":"QUJDREVG');
    const cut = new ProviderError('unreachable', 'gmail.example closed the connection mid-answer');
    setImmediate(() => source.destroy(cut));
    expect(await failure(out)).toBe(cut);
  });

  it('fails when the answer closes before its end without an error of its own', async () => {
    const source = new PassThrough();
    const out = rawMessageStream(source);
    source.write('{"raw":"QUJDREVG');
    setImmediate(() => source.destroy());
    expect(await failure(out)).toMatchObject({ name: 'ProviderError', code: 'unreachable' });
  });

  it('releases the answer when the reader stops early', async () => {
    const source = new PassThrough();
    const out = rawMessageStream(source);
    source.write(`{"raw":"${Buffer.alloc(300_000, 'b').toString('base64url')}`);
    for await (const part of out) {
      expect((part as Buffer).length).toBeGreaterThan(0);
      break;
    }
    await new Promise((r) => setImmediate(r));
    expect(source.destroyed).toBe(true);
  });
});
