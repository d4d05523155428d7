import { CopyBatchUseCase, type MailAdapters, PlanMailboxUseCase } from '@ferry/migration/application';
import { MemoryRunStore, MemoryWorkPublisher, type QueuedWork, RecordingGovernor, SandboxAccess, testMailbox } from '@ferry/migration/testing';
import { type GmailSandbox, type SandboxGmailMessage, startGmailSandbox } from '../testing/gmail-sandbox.fixture';
import { GmailTarget } from './gmail/gmail.target.adapter';
import { appendMessages, type DovecotMailboxes, startDovecotMailboxes } from './imap/testing/dovecot-mailbox.fixture';
import { ImapMailSource } from './imap/imap.source.adapter';

jest.setTimeout(120_000);

const SOURCE = 'ana.lima@imap.example';
const ORG = '00000000-0000-4000-8000-000000000001';

/** An RFC 822 message whose Date header is `date` (Gmail dates an import by it). */
function dated(subject: string, date: Date): string {
  return [`From: Sender <sender@example.test>`, `To: ${SOURCE}`, `Subject: ${subject}`, `Date: ${date.toUTCString()}`, `Message-ID: <${subject.replace(/\W/g, '')}@example.test>`, 'MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8', '', `Body of ${subject}.`, ''].join('\r\n');
}

describe('IMAP to Gmail through the engine', () => {
  let dovecot: DovecotMailboxes;
  let gmail: GmailSandbox;

  beforeAll(async () => {
    dovecot = await startDovecotMailboxes([{ address: SOURCE, password: 'imap-source-password-1' }]);
    gmail = await startGmailSandbox({ messagesPerUser: 0 }, 1);
  });

  afterAll(async () => {
    await gmail?.close();
    await dovecot?.stop();
  });

  it('carries folders, flags and dates from a real Dovecot into Gmail labels, once', async () => {
    const seen = new Date('2024-03-01T09:30:00Z');
    const flagged = new Date('2024-04-02T10:00:00Z');
    const filed = new Date('2024-05-03T11:15:00Z');
    await dovecot.as(SOURCE, async (session) => {
      await appendMessages(session, 'INBOX', [
        { raw: dated('Read already', seen), flags: ['\\Seen'], date: seen },
        { raw: dated('Flagged unread', flagged), flags: ['\\Flagged'], date: flagged },
      ]);
      await appendMessages(session, 'Projects', [{ raw: dated('Filed away', filed), flags: ['\\Seen'], date: filed }]);
    });
    const source = new ImapMailSource({ access: new SandboxAccess(undefined, new Map([[SOURCE, dovecot.login(SOURCE)]])), governor: new RecordingGovernor(), policy: dovecot.policy });
    const target = new GmailTarget(gmail.connect().connection);
    const adapters: MailAdapters = { source: () => source, target: () => target };
    const store = new MemoryRunStore();
    const publisher = new MemoryWorkPublisher();
    const targetMailbox = gmail.mailbox(0);
    store.addWork({
      orgId: ORG,
      projectId: 'p1',
      passId: 'pass1',
      mappingId: 'm1',
      passKind: 'full',
      passStatus: 'running',
      source: testMailbox('imap', SOURCE),
      target: targetMailbox,
      deletionPolicy: 'keep',
      extraLabels: 'categories',
      cursor: null,
    });
    const limits = { batchItems: 2, batchBytes: 1 << 20, itemConcurrency: 2 };
    const plan = new PlanMailboxUseCase(store, store, adapters, publisher, limits);
    const copy = new CopyBatchUseCase(store, store, adapters, limits);
    const address = { orgId: ORG, projectId: 'p1', passId: 'pass1', mappingId: 'm1' };
    const delivery = { count: 1, last: false, signal: new AbortController().signal };
    await plan.execute(address, { step: 0, phase: 'enumerate', pageToken: '', nextCursor: '', totals: { batches: 0, found: 0, bytesFound: 0, skipped: 0 }, replayed: false, sweepAfter: '' }, delivery);
    while (publisher.queue.length > 0) {
      const item = publisher.queue.shift() as QueuedWork;
      if (item.kind === 'plan') await plan.execute(item.address, item.step, delivery);
      else await copy.execute(item.address, item.batch, delivery);
    }

    expect(store.counts('pass1', 'm1')).toMatchObject({ found: 3, migrated: 3, failed: 0 });
    const { messages } = await gmail.gmail<{ messages: SandboxGmailMessage[] }>(targetMailbox.address, '/messages');
    const { labels } = await gmail.gmail<{ labels: { id: string; name: string }[] }>(targetMailbox.address, '/labels');
    const projects = labels.find((l) => l.name === 'Projects');
    const bySubject = new Map(messages.map((m) => [m.subject, m] as const));
    expect(messages).toHaveLength(3);
    expect(bySubject.get('Read already')?.labelIds).toEqual(expect.arrayContaining(['INBOX']));
    expect(bySubject.get('Read already')?.labelIds).not.toContain('UNREAD');
    expect(bySubject.get('Flagged unread')?.labelIds).toEqual(expect.arrayContaining(['INBOX', 'STARRED', 'UNREAD']));
    expect(projects).toBeDefined();
    expect(bySubject.get('Filed away')?.labelIds).toEqual(expect.arrayContaining([projects?.id]));
    expect(bySubject.get('Filed away')?.labelIds).not.toContain('INBOX');
    expect(Number(bySubject.get('Read already')?.internalDate)).toBe(seen.getTime());
    expect(Number(bySubject.get('Filed away')?.internalDate)).toBe(filed.getTime());

    // A second full pass finds everything copied and unchanged: nothing is written again.
    store.addWork({ ...[...store.works.values()][0]!, passId: 'pass2' });
    await plan.execute({ ...address, passId: 'pass2' }, { step: 0, phase: 'enumerate', pageToken: '', nextCursor: '', totals: { batches: 0, found: 0, bytesFound: 0, skipped: 0 }, replayed: false, sweepAfter: '' }, delivery);
    while (publisher.queue.length > 0) {
      const item = publisher.queue.shift() as QueuedWork;
      if (item.kind === 'plan') await plan.execute(item.address, item.step, delivery);
      else await copy.execute(item.address, item.batch, delivery);
    }
    expect(store.counts('pass2', 'm1')).toMatchObject({ found: 3, migrated: 0, skipped: 3 });
    expect((await gmail.gmail<{ messages: SandboxGmailMessage[] }>(targetMailbox.address, '/messages')).messages).toHaveLength(3);
  });
});
