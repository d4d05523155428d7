import { FOLDER_NAME_LIMITS, nameKey } from './folder-names';
import type { SourceFolder } from './mail-item';
import { sourceFolder } from './source-folder.fixture';
import { planTargetFolders, type TargetFolder } from './target-folders';

const folder = sourceFolder;
const at = (plan: ReadonlyMap<string, TargetFolder>, id: string): TargetFolder | undefined => plan.get(id);

/** A Graph or IMAP mailbox: the system folders, named as an English mailbox names them. */
const SYSTEM: SourceFolder[] = [
  folder('inbox', ['Inbox'], 'inbox'),
  folder('sent', ['Sent Items'], 'sent'),
  folder('junk', ['Junk Email'], 'junk'),
  folder('deleted', ['Deleted Items'], 'deleted'),
  folder('archive', ['Archive'], 'archive'),
];

describe('migration domain target folder plan', () => {
  it('nests labels by path and sends system folders to their role; state-only labels are no place', () => {
    const plan = planTargetFolders(
      [
        folder('INBOX', ['Inbox'], 'inbox'),
        folder('L1', ['Projects']),
        folder('L2', ['Projects', 'Ferry']),
        folder('STARRED', ['STARRED'], null, true),
      ],
      'microsoft',
    );
    expect(at(plan, 'INBOX')).toEqual({ role: 'inbox', path: [] });
    expect(at(plan, 'L1')).toEqual({ role: null, path: ['Projects'] });
    expect(at(plan, 'L2')).toEqual({ role: null, path: ['Projects', 'Ferry'] });
    expect(plan.has('STARRED')).toBe(false);
  });

  it('a nested label without its parent label still gets the parent folder', () => {
    expect(at(planTargetFolders([folder('L', ['Receipts', '2024'])], 'microsoft'), 'L')).toEqual({
      role: null,
      path: ['Receipts', '2024'],
    });
  });

  describe('folders below a system folder', () => {
    const folders = [
      ...SYSTEM,
      folder('c', ['Inbox', 'Clients']),
      folder('a', ['Inbox', 'Clients', 'Acme']),
      folder('o', ['Deleted Items', 'Old']),
      folder('j', ['Junk Email', 'Maybe']),
      folder('s', ['Sent Items', 'Board']),
    ];

    it('Graph: keep their path below the well-known folder, whatever it is called in the source', () => {
      const plan = planTargetFolders(folders, 'microsoft');
      expect(at(plan, 'c')).toEqual({ role: 'inbox', path: ['Clients'] });
      expect(at(plan, 'a')).toEqual({ role: 'inbox', path: ['Clients', 'Acme'] });
      expect(at(plan, 'o')).toEqual({ role: 'deleted', path: ['Old'] });
      expect(at(plan, 'inbox')).toEqual({ role: 'inbox', path: [] });
    });

    it('Gmail: become user labels, with TRASH or SPAM below Deleted Items and Junk, never INBOX or SENT', () => {
      const plan = planTargetFolders(folders, 'google');
      expect(at(plan, 'c')).toEqual({ role: null, path: ['Clients'] });
      expect(at(plan, 'a')).toEqual({ role: null, path: ['Clients', 'Acme'] });
      expect(at(plan, 'o')).toEqual({ role: 'deleted', path: ['Old'] });
      expect(at(plan, 'j')).toEqual({ role: 'junk', path: ['Maybe'] });
      expect(at(plan, 's')).toEqual({ role: null, path: ['Board'] });
      expect(at(plan, 'archive')).toEqual({ role: 'archive', path: [] });
    });

    it('IMAP: INBOX.Projects is below the inbox, and a special-use folder inside the inbox is its own role', () => {
      const plan = planTargetFolders(
        [
          folder('INBOX', ['INBOX'], 'inbox'),
          folder('p', ['INBOX', 'Projects']),
          folder('t', ['INBOX', 'Trash'], 'deleted'),
          folder('t1', ['INBOX', 'Trash', '2020']),
        ],
        'microsoft',
      );
      expect(at(plan, 'p')).toEqual({ role: 'inbox', path: ['Projects'] });
      expect(at(plan, 't')).toEqual({ role: 'deleted', path: [] });
      expect(at(plan, 't1')).toEqual({ role: 'deleted', path: ['2020'] });
    });
  });

  describe('collisions', () => {
    it('two folders whose names differ only in case do not merge: one keeps the name, the other gets a suffix', () => {
      const plan = planTargetFolders([folder('a', ['Foo']), folder('b', ['foo'])], 'microsoft');
      expect(at(plan, 'a')?.path).toEqual(['Foo']);
      expect(at(plan, 'b')?.path[0]).toMatch(/^foo ~[0-9a-f]{6}$/);
    });

    it('a name that needed no change keeps it over one made equal by sanitising', () => {
      const plan = planTargetFolders([folder('slash', ['A/B']), folder('literal', ['A\u2215B'])], 'google');
      expect(at(plan, 'literal')?.path).toEqual(['A\u2215B']);
      expect(at(plan, 'slash')?.path[0]).toMatch(/^A\u2215B ~[0-9a-f]{6}$/);
    });

    it('Gmail: Inbox/Clients and a top-level Clients are two labels, the top-level one keeping the name', () => {
      const plan = planTargetFolders(
        [...SYSTEM, folder('top', ['Clients']), folder('sub', ['Inbox', 'Clients'])],
        'google',
      );
      expect(at(plan, 'top')?.path).toEqual(['Clients']);
      expect(at(plan, 'sub')?.path[0]).toMatch(/^Clients ~/);
    });

    it('Graph: a label named like a default folder is renamed, never merged into it', () => {
      const plan = planTargetFolders(
        [
          folder('INBOX', ['Inbox'], 'inbox'),
          folder('L1', ['Sent Items']),
          folder('L2', ['Archive', '2019']),
        ],
        'microsoft',
      );
      expect(at(plan, 'L1')?.path[0]).toMatch(/^Sent Items ~/);
      expect(at(plan, 'L2')?.path).toEqual([expect.stringMatching(/^Archive ~/), '2019']);
    });

    it('Gmail: a folder named like a system label is renamed at the top level only', () => {
      const plan = planTargetFolders(
        [folder('a', ['Starred']), folder('b', ['Projects', 'Starred'])],
        'google',
      );
      expect(at(plan, 'a')?.path[0]).toMatch(/^Starred ~/);
      expect(at(plan, 'b')?.path).toEqual(['Projects', 'Starred']);
    });

    it('empty names are (unnamed), and two of them under one parent do not merge', () => {
      const plan = planTargetFolders([folder('a', ['']), folder('b', [' '])], 'microsoft');
      const names = [at(plan, 'a')?.path[0], at(plan, 'b')?.path[0]];
      expect(names).toContain('(unnamed)');
      expect(new Set(names.map((n) => nameKey(n ?? ''))).size).toBe(2);
    });

    it('a later colliding folder does not rename the folders already planned (suffixes are derived, not counted)', () => {
      const before = planTargetFolders([folder('a', ['Foo']), folder('b', ['foo'])], 'microsoft');
      const after = planTargetFolders(
        [folder('a', ['Foo']), folder('b', ['foo']), folder('c', ['fOO'])],
        'microsoft',
      );
      expect(at(after, 'a')).toEqual(at(before, 'a'));
      expect(at(after, 'b')).toEqual(at(before, 'b'));
      expect(new Set([...after.values()].map((t) => nameKey(t.path[0] ?? ''))).size).toBe(3);
    });
  });

  it('is the same plan whatever order the folders are listed in', () => {
    const folders = [
      ...SYSTEM,
      folder('a', ['Foo']),
      folder('b', ['foo']),
      folder('c', ['FOO', 'x']),
      folder('d', ['Inbox', 'Foo']),
      folder('e', ['A/B']),
      folder('f', ['A\u2215B']),
    ];
    for (const target of ['google', 'microsoft'] as const) {
      const forward = planTargetFolders(folders, target);
      const backward = planTargetFolders([...folders].reverse(), target);
      expect([...backward.entries()].sort()).toEqual([...forward.entries()].sort());
    }
  });

  it('keeps non-ASCII names: emoji, right-to-left, combining characters (NFC)', () => {
    const plan = planTargetFolders(
      [
        folder('e', ['\u{1f4c1} Projets \u{1f469}\u200d\u{1f4bb}']),
        folder('r', ['\u05e4\u05e8\u05d5\u05d9\u05e7\u05d8\u05d9\u05dd']),
        folder('c', ['Re\u0301sume\u0301', '\u65e5\u672c\u8a9e']),
      ],
      'google',
    );
    expect(at(plan, 'e')?.path).toEqual(['\u{1f4c1} Projets \u{1f469}\u200d\u{1f4bb}']);
    expect(at(plan, 'r')?.path).toEqual(['\u05e4\u05e8\u05d5\u05d9\u05e7\u05d8\u05d9\u05dd']);
    expect(at(plan, 'c')?.path).toEqual(['R\u00e9sum\u00e9', '\u65e5\u672c\u8a9e']);
  });

  describe('long names', () => {
    it('Graph: each 300-character segment is cut to 255; depth is kept', () => {
      const plan = planTargetFolders([folder('x', ['a'.repeat(300), 'b'.repeat(300)])], 'microsoft');
      expect(at(plan, 'x')?.path.map((s) => s.length)).toEqual([255, 255]);
    });

    it('Gmail: every whole label name stays within 225, children stay below their parents while there is room, then are lifted under distinct names', () => {
      const segments = Array.from(
        { length: 12 },
        (_, i) => `${String.fromCharCode(65 + i)}${'x'.repeat(29)}`,
      );
      const folders = segments.map((_, i) => folder(`f${i}`, segments.slice(0, i + 1)));
      const plan = planTargetFolders(folders, 'google');
      const labels = folders.map((f) => at(plan, f.id)?.path.join('/') ?? '');
      for (const label of labels) expect(label.length).toBeLessThanOrEqual(FOLDER_NAME_LIMITS.gmailLabel);
      expect(new Set(labels.map(nameKey)).size).toBe(labels.length);
      expect(labels[6]?.startsWith(`${labels[5]}/`)).toBe(true);
      const lifted = labels.findIndex((l, i) => i > 0 && !l.startsWith(`${labels[i - 1]}/`));
      expect(lifted).toBeGreaterThan(0);
      expect(at(plan, `f${lifted}`)?.path).toHaveLength(1);
      expect(labels[lifted]).toMatch(/ ~[0-9a-f]{6}$/);
      expect(labels[lifted + 1]?.startsWith(`${labels[lifted]}/`)).toBe(true);
    });

    it('Gmail: a single 300-character label is cut to 225', () => {
      expect(at(planTargetFolders([folder('x', ['q'.repeat(300)])], 'google'), 'x')?.path[0]).toHaveLength(
        225,
      );
    });
  });
});
