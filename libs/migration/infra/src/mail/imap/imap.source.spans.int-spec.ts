import type { AccessProvider, ImapLogin } from '@ferry/migration/application';
import { RecordingGovernor, testMailbox } from '@ferry/migration/testing';
import { installSpanCapture, type SpanCapture } from '@ferry/platform/testing';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { ImapMailSource } from './imap.source.adapter';
import {
  appendMessages,
  type DovecotMailboxes,
  rfc822,
  startDovecotMailboxes,
} from './testing/dovecot-mailbox.fixture';

// Planted: none of them may reach a span, even before any exporter's redaction.
const ADDRESS = 'planted.spans@example.test';
const PASSWORD = 'Planted-Imap-Span-Secret-41';
const FOLDER = 'Planted Folder';
const mailbox = testMailbox('imap', ADDRESS);
jest.setTimeout(60_000);
const signal = () => AbortSignal.timeout(60_000);

function access(login: () => ImapLogin): AccessProvider {
  return {
    token: () => Promise.reject(new Error('IMAP has no tokens')),
    imapLogin: () => Promise.resolve(login()),
    invalidate: () => undefined,
  };
}

function spanText(spans: readonly ReadableSpan[]): string {
  return JSON.stringify(
    spans.map((s) => ({ name: s.name, attributes: s.attributes, events: s.events, status: s.status })),
  );
}

let dovecot: DovecotMailboxes;
let capture: SpanCapture;
const sources: ImapMailSource[] = [];

beforeAll(async () => {
  dovecot = await startDovecotMailboxes([{ address: ADDRESS, password: PASSWORD }]);
  await dovecot.as(ADDRESS, (session) => appendMessages(session, FOLDER, [{ raw: rfc822('planted body') }]));
  capture = installSpanCapture();
});
afterEach(async () => {
  await Promise.all(sources.splice(0).map((s) => s.close()));
  capture.reset();
});
afterAll(async () => {
  await capture?.uninstall();
  await dovecot?.stop();
});

function source(login: () => ImapLogin): ImapMailSource {
  const created = new ImapMailSource({
    access: access(login),
    governor: new RecordingGovernor(),
    policy: dovecot.policy,
  });
  sources.push(created);
  return created;
}

describe('imap source spans', () => {
  it('traces each operation and the session it opened inside the caller span, naming the mailbox by pseudonym only', async () => {
    const imap = source(() => dovecot.login(ADDRESS));
    await trace.getTracer('spec').startActiveSpan('work item', async (item) => {
      await imap.listFolders(mailbox, signal());
      const { items } = await imap.enumerate(mailbox, undefined, signal());
      for await (const _chunk of await imap.openMime(mailbox, items[0]?.sourceId ?? '', signal()))
        void _chunk;
      item.end();
    });
    const spans = await capture.finished();
    const item = spans.find((s) => s.name === 'work item');
    const imapSpans = spans.filter((s) => s.attributes['network.protocol.name'] === 'imap');

    expect(imapSpans.map((s) => s.name)).toEqual(
      expect.arrayContaining([
        'imap.session.open',
        'imap.folders.list',
        'imap.enumerate',
        'imap.message.size',
        'imap.message.download',
      ]),
    );
    for (const span of imapSpans) {
      expect(span.kind).toBe(SpanKind.CLIENT);
      expect(span.spanContext().traceId).toBe(item?.spanContext().traceId);
      expect(span.attributes['ferry.mailbox']).toBe(mailbox.pseudonym);
    }
    const open = imapSpans.filter((s) => s.name === 'imap.session.open');
    // One login for the whole sequence: the pool kept the session; its span sits under the first operation.
    expect(open).toHaveLength(1);
    expect(open[0]?.attributes).toMatchObject({
      'server.address': dovecot.login(ADDRESS).host,
      'ferry.imap.security': 'implicit-tls',
    });
    const list = imapSpans.find((s) => s.name === 'imap.folders.list');
    expect(open[0]?.parentSpanContext?.spanId).toBe(list?.spanContext().spanId);
    expect(list?.parentSpanContext?.spanId).toBe(item?.spanContext().spanId);

    const text = spanText(spans);
    for (const planted of [ADDRESS, PASSWORD, FOLDER, 'planted body']) expect(text).not.toContain(planted);
  });

  it('records a refused login by its class and code, without the login or the server message', async () => {
    const imap = source(() => dovecot.login(ADDRESS, `${PASSWORD}-wrong`));
    await expect(imap.listFolders(mailbox, signal())).rejects.toMatchObject({ code: 'invalid-credentials' });
    const spans = (await capture.finished()).filter((s) => s.attributes['network.protocol.name'] === 'imap');
    const open = spans.find((s) => s.name === 'imap.session.open');
    expect(open?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'ProviderError' });
    expect(open?.attributes['error.type']).toBe('invalid-credentials');
    expect(spans.find((s) => s.name === 'imap.folders.list')?.status.code).toBe(SpanStatusCode.ERROR);
    const text = spanText(spans);
    for (const planted of [ADDRESS, PASSWORD]) expect(text).not.toContain(planted);
  });
});
