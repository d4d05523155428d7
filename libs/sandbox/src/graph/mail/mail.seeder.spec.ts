import { parseMailScenario } from './mail-scenario.schema';
import { createMailbox, seedMessages } from './mail.seeder';
import type { Mailbox } from './mail.store';
import { messageJson } from './mail-views';

const user = { id: 'u-1', userPrincipalName: 'ada@contoso.example', mail: 'ada@contoso.example', displayName: 'Ada', givenName: 'Ada', surname: 'L', jobTitle: null, accountEnabled: true, password: 'x' };
const mailbox = (messages: number, seed = 'spec'): Mailbox => {
  const mb = createMailbox({ tenantId: 't', domain: 'contoso.example', user, key: `${seed}/ms/0/mail/0`, peers: [{ name: 'Bob', address: 'bob@contoso.example' }], scenario: parseMailScenario({ messagesPerUser: messages, attachmentRate: 0.3, attachmentSizes: [1024, 1_048_576] }, 'w') });
  seedMessages(mb, messages);
  return mb;
};

describe('mail seeding', () => {
  it('is deterministic for the seed and different for another seed', () => {
    const a = mailbox(50);
    const b = mailbox(50);
    const c = mailbox(50, 'other');
    const view = (mb: Mailbox) => [...mb.messages.values()].map((m) => messageJson(mb, m, true));
    expect(view(a)).toEqual(view(b));
    expect(view(c)[0]?.['id']).not.toBe(view(a)[0]?.['id']);
  });

  it('keeps every folder sorted newest first and its counts right', () => {
    const mb = mailbox(2000);
    let total = 0;
    for (const f of mb.folders.values()) {
      total += f.messages.length;
      expect(f.messages.every((m, i, all) => i === 0 || (all[i - 1]?.receivedMs ?? 0) >= m.receivedMs)).toBe(true);
      expect(f.unread).toBe(f.messages.filter((m) => !m.isRead).length);
    }
    expect(total).toBe(2000);
    expect(mb.folder('inbox')?.messages.length).toBeGreaterThan(1000);
    expect(mb.folder('drafts')?.messages.every((m) => m.isDraft)).toBe(true);
  });

  it('seeds a 100k-message mailbox fast and with bounded memory: compact records, no content', () => {
    global.gc?.();
    const before = process.memoryUsage().heapUsed;
    const started = performance.now();
    const mb = mailbox(100_000);
    const elapsed = performance.now() - started;
    global.gc?.();
    const perMessage = (process.memoryUsage().heapUsed - before) / 100_000;
    expect(mb.messages.size).toBe(100_000);
    // The id string alone is ~140 bytes; text, MIME and attachments would be kilobytes each.
    expect(perMessage).toBeLessThan(1024);
    expect(elapsed).toBeLessThan(10_000);
    // Content is still there, regenerated on demand.
    const last = mb.folder('inbox')?.messages.at(-1);
    expect(last && String(messageJson(mb, last, true)['subject'])).toMatch(/\(\d+\)$/);
  });

  it('seeds the bench-mail target (20 mailboxes x 2,000 messages) in well under a few seconds', () => {
    const started = performance.now();
    let total = 0;
    for (let u = 0; u < 20; u++) total += mailbox(2000, `bench-${u}`).messages.size;
    expect(total).toBe(40_000);
    expect(performance.now() - started).toBeLessThan(3000);
  });
});
