import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { gmailScenarioSchema, parseGmailScenario } from './gmail-scenario.schema';
import { seedMailbox, seededSpec, type MailboxSeedContext } from './gmail.seeder';
import type { Mailbox } from './gmail.store';

function forceGc(): void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as (() => void) | undefined;
  gc?.();
  gc?.();
}

const ctx = (messagesPerUser: number, attachmentSizes = [2048]): MailboxSeedContext => ({
  owner: { name: 'Ada Lovelace', address: 'ada@fabrikam.example' },
  domain: 'fabrikam.example',
  spec: gmailScenarioSchema.parse({ messagesPerUser, attachmentRate: 0.5, attachmentSizes }),
});

describe('seeding a Gmail mailbox', () => {
  it('is deterministic: the same seed yields the same ids, labels, dates and threads', () => {
    const a = seedMailbox('s/gmail/x', ctx(200));
    const b = seedMailbox('s/gmail/x', ctx(200));
    const c = seedMailbox('s/gmail/y', ctx(200));
    const view = (m: Mailbox) =>
      [...m.messages.values()].map((r) => `${r.id}|${r.threadId}|${r.labelIds.join(',')}|${r.internalDate}`);
    expect(view(a)).toEqual(view(b));
    expect(view(a)).not.toEqual(view(c));
    expect(a.historyId).toBe(b.historyId);
    expect(a.historyFloor).toBe(a.historyId);
  });

  it('seeds nested, reserved-character and non-ASCII user labels, and threads replies onto earlier messages', () => {
    const m = seedMailbox('s/gmail/labels', ctx(300));
    expect([...m.labels.values()].map((l) => l.name)).toEqual(
      expect.arrayContaining(['Projets', 'Projets/été', 'A&B <x>', '日本語']),
    );
    const records = [...m.messages.values()];
    const replies = records.filter((r) => r.threadId !== r.id);
    expect(replies.length).toBeGreaterThan(30);
    for (const r of replies)
      expect(m.messages.get(r.threadId)?.internalDate ?? Infinity).toBeLessThanOrEqual(r.internalDate);
    expect(records.some((r) => r.labelIds.includes('SENT'))).toBe(true);
    expect(records.some((r) => r.labelIds.some((l) => l.startsWith('Label_')))).toBe(true);
  });

  it('regenerates a message spec that agrees with the seeded record (subject thread, size estimate order)', () => {
    const c = ctx(50, [70_000]);
    const m = seedMailbox('s/gmail/spec', c);
    const rec = [...m.messages.values()].find((r) => r.threadId !== r.id);
    expect(rec).toBeDefined();
    if (!rec) return;
    const spec = seededSpec(m, c, rec, 50);
    expect(spec.subject.startsWith('Re: ')).toBe(true);
    expect(spec.date.getTime()).toBe(rec.internalDate);
    expect(seededSpec(m, c, rec, 50)).toEqual(spec);
  });

  it('keeps a 100k-message mailbox of 1 MB attachments in metadata only: bounded heap per message, fast', () => {
    forceGc();
    const before = process.memoryUsage().heapUsed;
    const started = performance.now();
    const m = seedMailbox('s/gmail/100k', ctx(100_000, [1024 * 1024]));
    const elapsed = performance.now() - started;
    forceGc();
    const perMessage = (process.memoryUsage().heapUsed - before) / m.messages.size;
    const contentBytes = [...m.messages.values()].reduce((n, r) => n + r.sizeEstimate, 0);
    expect(m.messages.size).toBe(100_000);
    // The content would be tens of gigabytes; the records cost well under a kilobyte each.
    expect(contentBytes).toBeGreaterThan(40 * 1024 ** 3);
    expect(perMessage).toBeLessThan(600);
    // Under jest with swc source maps this runs in a few seconds; plain node takes about two.
    expect(elapsed).toBeLessThan(15_000);
  });

  it('names the bad field of a gmail scenario section', () => {
    expect(() => parseGmailScenario({ messagesPerUser: 5, attachmentRate: 2 }, 'fabrikam.example')).toThrow(
      /gmail\.attachmentRate/,
    );
    expect(() => parseGmailScenario({ attachmentSizes: ['big'] }, 'fabrikam.example')).toThrow(
      /gmail\.attachmentSizes\.0/,
    );
    expect(parseGmailScenario(undefined, 'x.example').messagesPerUser).toBe(0);
  });
});
