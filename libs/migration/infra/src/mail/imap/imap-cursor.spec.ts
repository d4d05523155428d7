import {
  decodeChangeToken,
  decodeCursor,
  decodeEnumerationToken,
  encodeChangeToken,
  encodeCursor,
  encodeEnumerationToken,
  type FolderMark,
} from './imap-cursor';
import { imapFolderId } from './imap-ids';

const inbox: FolderMark = {
  folderId: imapFolderId('INBOX'),
  uidValidity: '1700000001',
  uidNext: 42,
  highestModseq: '9007199254740993',
  messages: 40,
};
const plain: FolderMark = {
  folderId: imapFolderId('Archive'),
  uidValidity: '7',
  uidNext: 1,
  highestModseq: null,
  messages: 0,
};

describe('imap cursor', () => {
  it('round-trips folder marks, modseqs beyond 2^53 and folders without one included', () => {
    const cursor = encodeCursor([inbox, plain]);
    expect(decodeCursor(cursor)).toEqual([inbox, plain].sort((a, b) => (a.folderId < b.folderId ? -1 : 1)));
    expect(encodeCursor([plain, inbox])).toBe(cursor);
    expect(decodeCursor(encodeCursor([]))).toEqual([]);
  });

  it('stays compact: about 60 characters a folder', () => {
    const marks = Array.from({ length: 100 }, (_, i) => ({
      ...inbox,
      folderId: imapFolderId(`Folder ${i}`),
    }));
    expect(encodeCursor(marks).length).toBeLessThan(100 * 70);
  });

  it.each([
    '',
    'imap2;',
    'history:123',
    `imap1;${inbox.folderId},1,2,3`,
    `imap1;${inbox.folderId},0,2,3,4`,
    `imap1;INBOX,1,2,3,4`,
  ])('refuses a cursor it did not write: %p', (cursor) => {
    expect(decodeCursor(cursor)).toBeNull();
  });

  it('round-trips enumeration and change tokens', () => {
    const position = { folderId: inbox.folderId, uidValidity: '0', lastUid: 0 };
    expect(decodeEnumerationToken(encodeEnumerationToken(position))).toEqual(position);
    const change = {
      snapshot: encodeCursor([inbox, plain]),
      folderId: plain.folderId,
      phase: 'removed' as const,
      lastUid: 12,
    };
    expect(decodeChangeToken(encodeChangeToken(change))).toEqual(change);
    expect(decodeChangeToken(`c1;${inbox.folderId};x;1|${change.snapshot}`)).toBeNull();
    expect(decodeChangeToken(`c1;${inbox.folderId};c;1|imap1;broken`)).toBeNull();
    expect(decodeEnumerationToken('e1;INBOX;1;2')).toBeNull();
  });
});
