import { createHash, randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { ItemRejectedError } from '@ferry/migration/application';
import { RecordingGovernor, SandboxAccess, testMailbox } from '@ferry/migration/testing';
import { imapFolderId, imapSourceId } from './imap-ids';
import { ImapMailSource } from './imap.source.adapter';
import {
  appendMessages,
  type DovecotMailboxes,
  rfc822,
  startDovecotMailboxes,
} from './testing/dovecot-mailbox.fixture';

const ADDRESS = 'mime.owner@example.test';
const mailbox = testMailbox('imap', ADDRESS);
// Dovecot, TLS and a loaded CI machine: seconds, not the default 5.
jest.setTimeout(60_000);
const signal = () => AbortSignal.timeout(120_000);
const MiB = 1024 * 1024;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

let dovecot: DovecotMailboxes;
let source: ImapMailSource;
let governor: RecordingGovernor;
const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
/** Seeded messages by subject: their source id and the SHA-256 of what was appended. */
const seeded = new Map<string, { sourceId: string; sha: string; size: number }>();

/** A multipart message of about `bytes`: text, an 8-bit UTF-8 part and a base64 attachment of random bytes. */
function largeMessage(bytes: number): Buffer {
  const base64 = randomBytes(Math.ceil((bytes * 3) / 4)).toString('base64');
  const lines: string[] = [];
  for (let at = 0; at < base64.length; at += 76) lines.push(base64.slice(at, at + 76));
  const head = [
    'From: Sender <sender@example.test>',
    'Subject: large',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="b1"',
    '',
    '--b1',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    'Grüße, 日本語, ✓',
    '--b1',
    'Content-Type: application/octet-stream; name="blob.bin"',
    'Content-Transfer-Encoding: base64',
    '',
  ].join('\r\n');
  return Buffer.concat([
    Buffer.from(`${head}\r\n`),
    Buffer.from(lines.join('\r\n')),
    Buffer.from('\r\n--b1--\r\n'),
  ]);
}

async function hashOf(stream: Readable): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

beforeAll(async () => {
  dovecot = await startDovecotMailboxes([{ address: ADDRESS, password: 'mime-pass-1' }]);
  await dovecot.as(ADDRESS, async (session) => {
    const small = [rfc822('plain'), rfc822('utf8', 'Grüße aus Köln – ✓\r\nzweite Zeile')];
    const uids = await appendMessages(
      session,
      'INBOX',
      small.map((raw) => ({ raw })),
    );
    const inbox = (await session.status('INBOX', { uidValidity: true })) || undefined;
    const uidValidity = String(inbox?.uidValidity);
    small.forEach((raw, i) => {
      const uid = uids[i] ?? 0;
      seeded.set(i === 0 ? 'plain' : 'utf8', {
        sourceId: imapSourceId({ folderId: imapFolderId('INBOX'), uidValidity, uid }),
        sha: sha256(raw),
        size: Buffer.byteLength(raw),
      });
    });
    let large: Buffer | undefined = largeMessage(20 * MiB);
    const [largeUid = 0] = await appendMessages(session, 'Big', [{ raw: large }]);
    const big = (await session.status('Big', { uidValidity: true })) || undefined;
    seeded.set('large', {
      sourceId: imapSourceId({
        folderId: imapFolderId('Big'),
        uidValidity: String(big?.uidValidity),
        uid: largeUid,
      }),
      sha: sha256(large),
      size: large.length,
    });
    large = undefined;
    await appendMessages(session, 'Doomed', [{ raw: rfc822('doomed') }]);
  });
}, 120_000);
afterAll(() => dovecot?.stop());

beforeEach(() => {
  governor = new RecordingGovernor();
  source = new ImapMailSource({
    access: new SandboxAccess(undefined, new Map([[ADDRESS, dovecot.login(ADDRESS)]])),
    governor,
    policy: dovecot.policy,
  });
});
afterEach(() => source.close());

function seededMessage(subject: string) {
  const message = seeded.get(subject);
  if (!message) throw new Error(`not seeded: ${subject}`);
  return message;
}

describe('imap source mime', () => {
  it('streams the original MIME byte for byte, without marking the message read', async () => {
    for (const subject of ['plain', 'utf8']) {
      const { sourceId, sha } = seededMessage(subject);
      expect(await hashOf(await source.openMime(mailbox, sourceId, signal()))).toBe(sha);
    }
    const [summary] = await source.summaries(mailbox, [seededMessage('plain').sourceId], signal());
    expect(summary?.state.read).toBe(false);
  });

  it('streams a 20 MB message in bounded memory, charging each chunk FETCH to the governor', async () => {
    const { sourceId, sha, size } = seededMessage('large');
    // Message bytes live in Buffers, outside the JS heap (whose size the test runner's own work moves).
    const buffers = () => {
      gc();
      return process.memoryUsage().arrayBuffers;
    };
    const baseline = buffers();
    const stream = await source.openMime(mailbox, sourceId, signal());
    const hash = createHash('sha256');
    let received = 0;
    let peak = 0;
    let stall: { filled: number; more: number } | undefined;
    let nextSample = 0;
    for await (const chunk of stream) {
      hash.update(chunk as Buffer);
      received += (chunk as Buffer).length;
      if (received < nextSample) continue;
      nextSample += 2 * MiB;
      if (stall === undefined && received > 2 * MiB) {
        // The consumer stalls: the pipeline fills (a chunk or so per stage), then the download waits. One that
        // did not wait would go on pulling the rest of the message.
        const before = buffers();
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        const filled = buffers();
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        stall = { filled: filled - before, more: buffers() - filled };
      }
      peak = Math.max(peak, buffers() - baseline);
    }
    expect(received).toBe(size);
    expect(hash.digest('hex')).toBe(sha);
    expect(stall?.filled).toBeLessThan(10 * MiB);
    expect(stall?.more).toBeLessThan(MiB);
    // Measured 4-11 MiB for 20 and 60 MB messages alike (1 MiB chunks, TLS and parser buffers, the runner's
    // own); holding the message would take at least its 20 MiB.
    expect(peak).toBeLessThan(16 * MiB);
    // EXAMINE + FETCH RFC822.SIZE, then EXAMINE + one FETCH per MiB.
    expect(governor.acquired.map((a) => a.cost.requests)).toContain(1 + Math.ceil(size / MiB));
    console.log(
      `imap source mime: 20 MB message, peak Buffers ${(peak / MiB).toFixed(1)} MiB above baseline; consumer stalled: +${((stall?.filled ?? 0) / MiB).toFixed(1)} MiB in the first second, +${((stall?.more ?? 0) / MiB).toFixed(2)} MiB in the next`,
    );
  });

  it('reports a message, a folder or a UIDVALIDITY that is gone as gone-from-source', async () => {
    const doomedFolder = imapFolderId('Doomed');
    const [doomed] = (await source.enumerate(mailbox, undefined, signal())).items.filter(
      (i) => i.folderIds[0] === doomedFolder,
    );
    expect(doomed).toBeDefined();
    const [, uidValidity = '', uid = ''] = (doomed?.sourceId ?? '').split('/');
    const expunged = imapSourceId({ folderId: doomedFolder, uidValidity, uid: Number(uid) + 1 });
    const otherEpoch = imapSourceId({
      folderId: doomedFolder,
      uidValidity: String(Number(uidValidity) + 1),
      uid: Number(uid),
    });
    for (const sourceId of [expunged, otherEpoch]) {
      await expect(source.openMime(mailbox, sourceId, signal())).rejects.toMatchObject({
        reason: 'gone-from-source',
      });
    }
    await dovecot.as(ADDRESS, (session) => session.mailboxDelete('Doomed'));
    const error = await source.openMime(mailbox, doomed?.sourceId ?? '', signal()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ItemRejectedError);
    expect(error).toMatchObject({ reason: 'gone-from-source' });
    expect((error as Error).message).not.toMatch(/Doomed|mime\.owner/);
    expect(await source.summaries(mailbox, [doomed?.sourceId ?? '', 'not an id'], signal())).toEqual([
      null,
      null,
    ]);
    await expect(source.openMime(mailbox, 'INBOX/1/1', signal())).rejects.toMatchObject({
      reason: 'internal',
    });
  });

  it('closes the session of a stream given up half way, and keeps working', async () => {
    const { sourceId, sha } = seededMessage('large');
    const stream = await source.openMime(mailbox, sourceId, signal());
    for await (const _chunk of stream) break;
    await new Promise((resolve) => setImmediate(resolve));
    expect(stream.destroyed).toBe(true);
    expect(await hashOf(await source.openMime(mailbox, sourceId, signal()))).toBe(sha);
    expect(source.sessionCount(mailbox)).toBeLessThanOrEqual(2);
  });

  it('ends a download with an error when its signal aborts', async () => {
    const controller = new AbortController();
    const stream = await source.openMime(mailbox, seededMessage('large').sourceId, controller.signal);
    const read = hashOf(stream);
    controller.abort(new Error('pass cancelled'));
    await expect(read).rejects.toThrow('pass cancelled');
  });
});
