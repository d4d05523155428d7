import { Readable } from 'node:stream';
import { ItemRejectedError } from '@ferry/migration/application';
import { DEFAULT_STATE } from '@ferry/migration/domain';
import { MemoryMailSystem, testMailbox } from '@ferry/migration/testing';
import { installSpanCapture, type SpanCapture } from '@ferry/platform/testing';
import { TracedMailTarget } from './traced-mail.target';

const MAILBOX = testMailbox('microsoft', 'ana.lima@target.example');
const placement = { path: [], role: 'inbox' as const, extraLabels: [], state: DEFAULT_STATE };
const message = (key: string) => ({ key, placement, receivedAt: 1, size: 12, openMime: () => Promise.resolve(Readable.from([Buffer.from('Subject: hi\r\n\r\nbody')])) });

describe('migration item spans', () => {
  let capture: SpanCapture;
  beforeEach(() => (capture = installSpanCapture()));
  afterEach(() => capture.uninstall());

  it('records one span per item written, with sizes and the mailbox pseudonym, never the address', async () => {
    const target = new TracedMailTarget(new MemoryMailSystem());
    await target.write(MAILBOX, message('fy1-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'), new AbortController().signal);
    const [span] = await capture.finished();
    expect(span?.name).toBe('migration.item.write');
    expect(span?.attributes).toMatchObject({ 'ferry.mail.system': 'microsoft', 'ferry.mailbox': MAILBOX.pseudonym, 'ferry.item.bytes': 19, 'ferry.item.source_size': 12 });
    expect(JSON.stringify(span?.attributes)).not.toContain('ana.lima');
  });

  it('marks a refused item as an error by its class only', async () => {
    const inner = new MemoryMailSystem();
    inner.failNext('write', { error: () => new ItemRejectedError('too-large', 'ana.lima@target.example sent 200 MB') });
    const target = new TracedMailTarget(inner);
    await expect(target.write(MAILBOX, message('fy1-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb'), new AbortController().signal)).rejects.toThrow(ItemRejectedError);
    const [span] = await capture.finished();
    expect(span?.status).toMatchObject({ code: 2, message: 'ItemRejectedError' });
    expect(JSON.stringify([span?.attributes, span?.status, span?.events])).not.toContain('ana.lima');
  });
});
