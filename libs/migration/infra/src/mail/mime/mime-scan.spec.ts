import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import MailComposer from 'nodemailer/lib/mail-composer';
import { ProviderError } from '@ferry/providers/core';
import { byteChunks } from './byte-chunks';
import { addressesOf } from './mime-addresses';
import { cutBase64Bodies } from './mime-cuts';
import { type MimeAttachmentInfo, scanMime } from './mime-scan';

const mime = async (options: ConstructorParameters<typeof MailComposer>[0]): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const c of new MailComposer({
    ...options,
    baseBoundary: 'spec',
    disableFileAccess: true,
    disableUrlAccess: true,
  })
    .compile()
    .createReadStream())
    chunks.push(c as Buffer);
  return Buffer.concat(chunks);
};
const limits = { maxTextBytes: 1024 * 1024 };
const collect = async (content: Readable) => {
  const parts: Buffer[] = [];
  for await (const c of content) parts.push(c as Buffer);
  return Buffer.concat(parts);
};

describe('the MIME scan the mail targets read messages with', () => {
  it('hands over attachments in order with their placement, keeps headers and bodies, and hashes the source', async () => {
    const raw = await mime({
      from: 'Ada <ada@fabrikam.example>',
      to: 'Bo <bo@contoso.example>, Group: c1@contoso.example, c2@contoso.example;',
      subject: 'Héllo',
      html: '<p>hi <img src="cid:logo@x"></p>',
      attachments: [
        { filename: 'a.txt', content: 'first' },
        { filename: 'logo.png', content: Buffer.alloc(100, 1), cid: 'logo@x' },
      ],
    });
    const seen: [MimeAttachmentInfo, string][] = [];
    // Source chunks of every size: one byte at a time at the start, then the rest at once.
    const source = Readable.from([
      ...[...raw.subarray(0, 50)].map((b) => Buffer.from([b])),
      raw.subarray(50),
    ]);
    const result = await scanMime(
      source,
      async (info, content) => void seen.push([info, (await collect(content)).toString('latin1')]),
      limits,
    );
    // In MIME order: nodemailer puts the related image before the mixed attachment.
    expect(seen.map(([i]) => [i.index, i.filename, i.inline, i.contentId])).toEqual([
      [0, 'logo.png', true, 'logo@x'],
      [1, 'a.txt', false, undefined],
    ]);
    expect(seen[1]?.[1]).toBe('first');
    expect(result.html).toContain('cid:logo@x');
    expect(result.headers.get('subject')).toBe('Héllo');
    expect(result.headerLines.some((h) => h.key === 'message-id')).toBe(true);
    expect(addressesOf(result.headers.get('to')).map((a) => a.address)).toEqual([
      'bo@contoso.example',
      'c1@contoso.example',
      'c2@contoso.example',
    ]);
    expect(result).toMatchObject({
      attachments: 2,
      bytes: raw.length,
      sha256: createHash('sha256').update(raw).digest('hex'),
    });
  });

  it('refuses text parts over the limit, and input that is not a message', async () => {
    // Past the limit and the parser's own buffering, which the estimate allows for.
    const long = await mime({ from: 'a@fabrikam.example', subject: 's', text: 'x'.repeat(6 * 1024 * 1024) });
    // Streamed, and read whole (held in memory, it is measured once parsed).
    for (const bufferBytes of [0, 8 * 1024 * 1024]) {
      await expect(
        scanMime(Readable.from([long]), async () => undefined, { ...limits, bufferBytes }),
      ).rejects.toMatchObject({ name: 'ItemRejectedError', reason: 'too-large' });
      await expect(
        scanMime(Readable.from([Buffer.from('\u0000\u0001\u0002 nothing here')]), async () => undefined, {
          ...limits,
          bufferBytes,
        }),
      ).rejects.toMatchObject({ reason: 'corrupt' });
    }
  });

  it("does not count attachments as text, and passes on the source's and the handler's own failures", async () => {
    const many = await mime({
      from: 'a@fabrikam.example',
      subject: 's',
      text: 'hi',
      attachments: Array.from({ length: 8 }, (_, i) => ({
        filename: `f${i}.bin`,
        content: Buffer.alloc(768 * 1024, i),
      })),
    });
    const skipped = await scanMime(Readable.from([many]), async () => undefined, limits);
    expect(skipped.attachments).toBe(8);
    const big = await mime({
      from: 'a@fabrikam.example',
      subject: 's',
      text: 'hi',
      attachments: [{ filename: 'big.bin', content: Buffer.alloc(3 * 1024 * 1024, 2) }],
    });
    const result = await scanMime(
      Readable.from([big]),
      async (_info, content) => void (await collect(content)),
      limits,
    );
    expect(result.attachments).toBe(1);

    const failing = new Readable({ read() {} });
    failing.push(big.subarray(0, 1000));
    setImmediate(() =>
      failing.destroy(new ProviderError('unreachable', 'source.example closed the connection mid-answer')),
    );
    await expect(scanMime(failing, async () => undefined, limits)).rejects.toMatchObject({
      name: 'ProviderError',
      code: 'unreachable',
    });

    const handlerFails = scanMime(
      Readable.from([big]),
      () => Promise.reject(new ProviderError('throttled', 'slow down')),
      limits,
    );
    await expect(handlerFails).rejects.toMatchObject({ code: 'throttled' });
  });

  /** Everything a scan yields, attachments' bytes included, read from the source in 700-byte chunks. */
  const everything = async (raw: Buffer, bufferBytes?: number) => {
    const attachments: [MimeAttachmentInfo, string][] = [];
    const chunks = Array.from({ length: Math.ceil(raw.length / 700) }, (_, i) =>
      raw.subarray(i * 700, i * 700 + 700),
    );
    const result = await scanMime(
      Readable.from(chunks),
      async (info, content) => void attachments.push([info, (await collect(content)).toString('base64')]),
      { ...limits, ...(bufferBytes === undefined ? {} : { bufferBytes }) },
    );
    return {
      cutBodies: result.cutBodies,
      headerLines: result.headerLines,
      subject: result.headers.get('subject'),
      text: result.text,
      html: result.html,
      count: result.attachments,
      sha256: result.sha256,
      bytes: result.bytes,
      attachments,
    };
  };
  const rich = (eol: string) =>
    mime({
      from: 'Ada <ada@fabrikam.example>',
      to: 'Bo <bo@contoso.example>',
      subject: 'Pièces jointes',
      text: 'see attached',
      html: '<p>logo <img src="cid:logo@x"></p>',
      attachments: [
        { filename: 'logo.png', content: Buffer.alloc(3000, 7), cid: 'logo@x' },
        {
          filename: 'données.pdf',
          content: Buffer.from(Array.from({ length: 20000 }, (_, i) => (i * 31) % 256)),
        },
        { filename: 'note.txt', content: 'a text attachment' },
        { filename: 'tiny.bin', content: Buffer.from([1, 2, 3]) },
        {
          filename: 'quoted.bin',
          content: Buffer.alloc(4000, 0x41),
          contentTransferEncoding: 'quoted-printable',
        },
        {
          filename: 'fwd.eml',
          content: 'From: c@x.example\r\nSubject: inner\r\n\r\nbody\r\n',
          contentType: 'message/rfc822',
        },
      ],
      newline: eol === '\n' ? 'unix' : 'windows',
    });

  it('reads a message it may hold whole with its binary attachments cut out, and yields what streaming yields', async () => {
    for (const eol of ['\r\n', '\n']) {
      const raw = await rich(eol);
      expect(raw.includes('\r\n')).toBe(eol === '\r\n');
      expect(raw.toString('latin1')).toMatch(/Content-Transfer-Encoding: quoted-printable/);
      // The related image and the PDF are cut; text, tiny, quoted-printable and message parts stay
      // (mailparser reads the forwarded message's body as text, not as an attachment).
      expect(cutBase64Bodies(raw)?.cuts).toHaveLength(2);
      const streamed = await everything(raw);
      expect(streamed.attachments.map(([i]) => i.filename)).toEqual([
        'logo.png',
        'données.pdf',
        'note.txt',
        'tiny.bin',
        'quoted.bin',
      ]);
      expect(streamed.cutBodies).toBe(0);
      expect(await everything(raw, 1024 * 1024)).toEqual({ ...streamed, cutBodies: 2 });
    }
  });

  it('cuts text files that are attachments (a CSV, a text file sent as an attachment), never the message text', async () => {
    const csv = Buffer.from(Array.from({ length: 3000 }, (_, i) => `${i};données;データ\r\n`).join(''));
    const raw = await mime({
      from: 'Ada <ada@fabrikam.example>',
      to: 'Bo <bo@contoso.example>',
      subject: 'Chiffres',
      // Mostly non-ASCII: nodemailer sends the text base64-encoded, as a part without a disposition.
      text: 'データ'.repeat(400),
      attachments: [
        { filename: 'données.csv', content: csv, contentType: 'text/csv; charset=utf-8', encoding: 'base64' },
        { filename: 'notes.txt', content: 'ligne '.repeat(200), contentDisposition: 'attachment', contentTransferEncoding: 'base64' },
        { filename: 'inline.txt', content: 'montré '.repeat(200), contentDisposition: 'inline', contentTransferEncoding: 'base64' },
      ],
    });
    expect(raw.toString('latin1')).toMatch(/Content-Type: text\/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64/);
    const cuts = cutBase64Bodies(raw)?.cuts ?? [];
    expect(cuts.map((c) => Buffer.from(c.base64, 'base64').subarray(0, 12).toString())).toEqual([
      csv.subarray(0, 12).toString(),
      'ligne ligne ',
    ]);
    const streamed = await everything(raw);
    // The inline text part is text too: mailparser adds it to the message's.
    expect(streamed.text).toContain('データ'.repeat(400));
    expect(streamed.text).toContain('montré montré');
    expect(streamed.attachments.map(([i]) => i.filename)).toEqual(['données.csv', 'notes.txt']);
    expect(await everything(raw, 1024 * 1024)).toEqual({ ...streamed, cutBodies: 2 });
  });

  it('leaves a body with characters outside base64 to the parser, and parses as it is when the parser sees other parts than the cuts', async () => {
    const raw = await rich('\r\n');
    const boundary = /boundary="([^"]+)"/.exec(raw.toString('latin1'))?.[1] ?? '';
    const text = raw.toString('latin1');
    // A stray '*' in the PDF's base64: not cut, still the same bytes as the streaming read.
    const pdfBody = text.indexOf('\r\n\r\n', text.indexOf('filename=donn')) + 4;
    const starred = Buffer.from(`${text.slice(0, pdfBody + 10)}*${text.slice(pdfBody + 10)}`, 'latin1');
    expect(cutBase64Bodies(starred)?.cuts).toHaveLength(1);
    expect(await everything(starred, 1024 * 1024)).toEqual({ ...(await everything(starred)), cutBodies: 1 });
    // A delimiter line with more trailing blanks than mailparser takes: the cuts assume a part the
    // parser does not see, so the marker does not come back and the message is parsed as it is.
    const padded = Buffer.from(
      text.replace(
        `--${boundary}\r\nContent-Type: application/pdf`,
        `--${boundary}${' '.repeat(1200)}\r\nContent-Type: application/pdf`,
      ),
      'latin1',
    );
    expect(cutBase64Bodies(padded)?.cuts.length).toBeGreaterThan(0);
    const streamed = await everything(padded);
    expect(streamed.attachments.some(([i]) => i.filename === 'données.pdf')).toBe(false);
    expect(await everything(padded, 1024 * 1024)).toEqual(streamed);
  });

  it('streams a message larger than it may hold, and passes on a source failure while it reads one whole', async () => {
    const raw = await rich('\r\n');
    expect(await everything(raw, 1000)).toEqual(await everything(raw));
    const failing = new Readable({ read() {} });
    failing.push(raw.subarray(0, 1000));
    setImmediate(() =>
      failing.destroy(new ProviderError('unreachable', 'source.example closed the connection mid-answer')),
    );
    await expect(
      scanMime(failing, async () => undefined, { ...limits, bufferBytes: 1024 * 1024 }),
    ).rejects.toMatchObject({ name: 'ProviderError', code: 'unreachable' });
  });

  it('cuts a stream into fixed pieces whatever its chunks', async () => {
    const pieces: number[] = [];
    for await (const piece of byteChunks(
      Readable.from([Buffer.alloc(5), Buffer.alloc(12), Buffer.alloc(1)]),
      4,
    ))
      pieces.push(piece.length);
    expect(pieces).toEqual([4, 4, 4, 4, 2]);
    const none: Buffer[] = [];
    for await (const piece of byteChunks(Readable.from([]), 4)) none.push(piece);
    expect(none).toEqual([]);
  });
});
