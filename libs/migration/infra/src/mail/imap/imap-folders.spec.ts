import type { ListResponse, NamespacesObject } from 'imapflow';
import { toImapFolders } from './imap-folders';
import { imapFolderId } from './imap-ids';

function entry(
  path: string,
  delimiter: string,
  flags: string[] = [],
  specialUse?: string,
  specialUseSource: ListResponse['specialUseSource'] = 'extension',
): ListResponse {
  const parts = path.split(delimiter);
  return {
    path,
    pathAsListed: path,
    name: parts[parts.length - 1] ?? path,
    delimiter,
    parent: parts.slice(0, -1),
    parentPath: parts.slice(0, -1).join(delimiter),
    flags: new Set(flags),
    listed: true,
    subscribed: true,
    ...(specialUse ? { specialUse, specialUseSource } : {}),
  };
}

const namespaces = (personal: string, shared: string[] = []): NamespacesObject => ({
  personal: [{ prefix: personal, delimiter: '.' }],
  other: false,
  shared: shared.length ? shared.map((prefix) => ({ prefix, delimiter: '.' })) : false,
});

describe('imap folders', () => {
  it('splits paths at the hierarchy delimiter and reads roles from special-use flags and INBOX', () => {
    const folders = toImapFolders(
      [
        entry('INBOX', '/', [], '\\Inbox', 'name'),
        entry('Sent Items', '/', [], '\\Sent'),
        entry('Drafts', '/', [], '\\Drafts'),
        entry('Spam', '/', [], '\\Junk'),
        entry('Bin', '/', [], '\\Trash'),
        entry('Archive', '/', [], '\\Archive'),
        entry('Projects', '/', ['\\Noselect', '\\HasChildren']),
        entry('Projects/Ferry/Über', '/'),
      ],
      namespaces(''),
    );
    const byPath = Object.fromEntries(folders.map((f) => [f.path.join(' > '), f.role]));
    expect(byPath).toEqual({
      INBOX: 'inbox',
      'Sent Items': 'sent',
      Drafts: 'drafts',
      Spam: 'junk',
      Bin: 'deleted',
      Archive: 'archive',
      'Projects > Ferry > Über': null,
    });
    const ferry = folders.find((f) => f.serverPath === 'Projects/Ferry/Über');
    expect(ferry?.id).toBe(imapFolderId('Projects/Ferry/Über'));
    expect(folders.map((f) => f.id)).toEqual([...folders.map((f) => f.id)].sort());
  });

  it('leaves out the personal namespace prefix, shared namespaces and virtual views the server declares', () => {
    const folders = toImapFolders(
      [
        entry('INBOX', '.'),
        entry('INBOX.Sent', '.', [], '\\Sent'),
        entry('INBOX.Work.2024', '.'),
        entry('INBOX.All Mail', '.', [], '\\All'),
        entry('INBOX.Starred', '.', [], '\\Flagged'),
        entry('INBOX.Flagged', '.', [], '\\Flagged', 'name'),
        entry('INBOX.Gone', '.', ['\\NonExistent']),
        entry('shared.team.Inbox', '.'),
      ],
      namespaces('INBOX.', ['shared.']),
    );
    expect(folders.map((f) => f.path.join('/')).sort()).toEqual(['Flagged', 'INBOX', 'Sent', 'Work/2024']);
    expect(folders.find((f) => f.path.join('/') === 'Work/2024')?.serverPath).toBe('INBOX.Work.2024');
  });

  it('keeps a folder of a server without a hierarchy delimiter whole', () => {
    const [flat] = toImapFolders([entry('a/b.c', '')], undefined);
    expect(flat?.path).toEqual(['a/b.c']);
  });
});
