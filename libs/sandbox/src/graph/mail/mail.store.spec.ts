import { parseMailScenario } from './mail-scenario.schema';
import { createMailbox, seedMessages } from './mail.seeder';
import { TOMBSTONE_CAPACITY, type Mailbox } from './mail.store';

const user = { id: 'u-1', userPrincipalName: 'ada@contoso.example', mail: 'ada@contoso.example', displayName: 'Ada', givenName: 'Ada', surname: 'L', jobTitle: null, accountEnabled: true, password: 'x' };
const mailbox = (messages: number): Mailbox => {
  const mb = createMailbox({ tenantId: 't', domain: 'contoso.example', user, key: 'store/ms/0/mail/0', peers: [], scenario: parseMailScenario({ messagesPerUser: messages }, 'w') });
  seedMessages(mb, messages);
  return mb;
};

describe('Mailbox', () => {
  it('moves a message: tombstone in the old folder, sorted insert in the new one, counts kept', () => {
    const mb = mailbox(100);
    const inbox = mb.folder('inbox');
    const archive = mb.folder('archive');
    const m = inbox?.messages[3];
    if (!inbox || !archive || !m) throw new Error('fixture');
    const before = inbox.messages.length;
    const moved = mb.move(m, archive, 'AAMkAGnew-id', 1);
    expect(moved.id).toBe('AAMkAGnew-id');
    expect(inbox.messages).toHaveLength(before - 1);
    expect(archive.messages).toEqual([moved]);
    expect(mb.messages.has(m.id)).toBe(false);
    expect(mb.tombstones.at(-1)).toMatchObject({ id: m.id, folderId: inbox.id });
    expect(moved.changeSeq).toBeGreaterThan(mb.tombstones.at(-1)?.seq ?? Infinity);
  });

  it('indexes extended properties so the idempotency lookup does not scan, and keeps the index through moves and removal', () => {
    const mb = mailbox(50);
    const m = mb.folder('inbox')?.messages[0];
    const archive = mb.folder('archive');
    if (!m || !archive) throw new Error('fixture');
    mb.setProperty(m, { id: 'String {00020329-0000-0000-c000-000000000046} Name K', value: 'v1' });
    expect(mb.withProperty('String {00020329-0000-0000-c000-000000000046} Name K', 'v1')).toEqual([m]);
    mb.setProperty(m, { id: 'String {00020329-0000-0000-c000-000000000046} Name K', value: 'v2' });
    expect(mb.withProperty('String {00020329-0000-0000-c000-000000000046} Name K', 'v1')).toEqual([]);
    const moved = mb.move(m, archive, undefined, 1);
    expect(mb.withProperty('String {00020329-0000-0000-c000-000000000046} Name K', 'v2')).toEqual([moved]);
    mb.remove(moved);
    expect(mb.withProperty('String {00020329-0000-0000-c000-000000000046} Name K', 'v2')).toEqual([]);
  });

  it('refuses a duplicate sibling folder name case-insensitively', () => {
    const mb = mailbox(0);
    expect(mb.addFolder(mb.root, 'INBOX')).toBe('exists');
    expect(mb.addFolder(mb.root, 'Inbox 2')).not.toBe('exists');
  });

  it('forgets the oldest removals past its capacity and marks older delta tokens stale, as a bounded token cache does', () => {
    const mb = mailbox(TOMBSTONE_CAPACITY + 10);
    const tokenSeq = mb.changeSeq - 1;
    expect(mb.staleBefore).toBe(0);
    for (const m of [...mb.messages.values()].slice(0, TOMBSTONE_CAPACITY + 5)) mb.remove(m);
    expect(mb.tombstones).toHaveLength(TOMBSTONE_CAPACITY);
    expect(mb.staleBefore).toBeGreaterThan(tokenSeq);
  });
});
