import { imapFolderId, imapSourceId, isImapFolderId, parseImapSourceId } from './imap-ids';

describe('imap ids', () => {
  it('derives a bounded folder id from the full path that names no folder', () => {
    const id = imapFolderId('Projects/Ferry');
    expect(id).toBe(imapFolderId('Projects/Ferry'));
    expect(id).not.toBe(imapFolderId('Projects/ferry'));
    expect(id).not.toBe(imapFolderId('Projects.Ferry'));
    expect(isImapFolderId(id)).toBe(true);
    expect(id).toHaveLength(22);
    expect(id).not.toMatch(/Projects|Ferry|\//);
    expect(isImapFolderId(imapFolderId('Über/Ordner/日本語'.repeat(50)))).toBe(true);
  });

  it('round-trips a source id', () => {
    const ref = { folderId: imapFolderId('INBOX'), uidValidity: '4294967295', uid: 17 };
    const sourceId = imapSourceId(ref);
    expect(sourceId.length).toBeLessThanOrEqual(44);
    expect(parseImapSourceId(sourceId)).toEqual(ref);
  });

  it.each([
    '',
    'INBOX/1/2',
    `${'a'.repeat(22)}/0/2`,
    `${'a'.repeat(22)}/1/0`,
    `${'a'.repeat(22)}/4294967296/1`,
    `${'a'.repeat(22)}/1/4294967296`,
    `${'a'.repeat(22)}/1/2/3`,
    `${'a'.repeat(22)}/01/2`,
  ])('refuses %p', (sourceId) => {
    expect(parseImapSourceId(sourceId)).toBeNull();
  });
});
