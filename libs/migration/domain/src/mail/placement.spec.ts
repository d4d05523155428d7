import {
  DEFAULT_STATE,
  type MailState,
  type MailSystem,
  type SourceFolder,
  type SourceItemSummary,
  type SystemFolder,
} from './mail-item';
import { placeItem, type PlacementPolicy } from './placement';
import { sourceFolder } from './source-folder.fixture';

const folder = sourceFolder;
const item = (folderIds: string[], state: Partial<MailState> = {}): SourceItemSummary => ({
  sourceId: 'm1',
  folderIds,
  state: { ...DEFAULT_STATE, read: true, ...state },
  changeStamp: '1',
  size: 10,
  receivedAt: 0,
});
const mapOf = (...folders: SourceFolder[]): ReadonlyMap<string, SourceFolder> =>
  new Map(folders.map((f) => [f.id, f]));
const CATEGORIES: PlacementPolicy = { extraLabels: 'categories' };
const IGNORE: PlacementPolicy = { extraLabels: 'ignore' };

/** A Gmail mailbox as the Gmail source adapter lists it. */
const GMAIL = mapOf(
  folder('INBOX', ['Inbox'], 'inbox'),
  folder('SENT', ['Sent'], 'sent'),
  folder('DRAFT', ['Drafts'], 'drafts'),
  folder('SPAM', ['Spam'], 'junk'),
  folder('TRASH', ['Trash'], 'deleted'),
  folder('STARRED', ['STARRED'], null, true),
  folder('UNREAD', ['UNREAD'], null, true),
  folder('IMPORTANT', ['IMPORTANT'], null, true),
  folder('CATEGORY_UPDATES', ['CATEGORY_UPDATES'], null, true),
  folder('Label_1', ['Projects']),
  folder('Label_2', ['Projects', 'Ferry']),
  folder('Label_3', ['Receipts']),
  folder('Label_4', ['receipts, old']),
  folder('Label_5', ['Sent Items']),
);
const fromGmail = (labels: string[], policy = CATEGORIES, state: Partial<MailState> = {}) =>
  placeItem(item(labels, state), GMAIL, 'google', 'microsoft', policy);

describe('migration domain placement', () => {
  describe('Gmail -> Graph: which label picks the folder', () => {
    it.each<[string, string[], SystemFolder | null, string[]]>([
      ['Trash wins over everything', ['Label_1', 'INBOX', 'TRASH', 'SPAM'], 'deleted', []],
      ['Spam wins over the inbox and labels', ['Label_1', 'INBOX', 'SPAM'], 'junk', []],
      ['Drafts win over the inbox', ['INBOX', 'DRAFT'], 'drafts', []],
      ['the inbox wins over a user label', ['Label_3', 'INBOX'], 'inbox', []],
      ['a user label wins over Sent', ['SENT', 'Label_3'], null, ['Receipts']],
      ['Sent alone is Sent Items', ['SENT'], 'sent', []],
      ['no place label at all is the Archive', ['STARRED', 'CATEGORY_UPDATES'], 'archive', []],
      ['the deepest label wins', ['Label_1', 'Label_2'], null, ['Projects', 'Ferry']],
    ])('%s', (_, labels, role, path) => {
      const placed = fromGmail(labels);
      expect({ role: placed.role, path: placed.path }).toEqual({ role, path });
    });

    it('of equally deep labels the first in name order wins, whatever order Gmail lists them in', () => {
      expect(fromGmail(['Label_3', 'Label_1']).path).toEqual(['Projects']);
      expect(fromGmail(['Label_1', 'Label_3']).path).toEqual(['Projects']);
    });

    it('the same labels in any order give the same placement', () => {
      const labels = ['Label_2', 'SENT', 'Label_3', 'Label_4', 'IMPORTANT', 'Label_1'];
      const first = fromGmail(labels);
      for (let shift = 1; shift < labels.length; shift++)
        expect(fromGmail([...labels.slice(shift), ...labels.slice(0, shift)])).toEqual(first);
    });
  });

  describe('Gmail -> Graph: the other labels', () => {
    it('become categories by their full name, in name order, without system labels', () => {
      expect(fromGmail(['INBOX', 'SENT', 'Label_3', 'Label_2', 'STARRED']).extraLabels).toEqual([
        'Projects/Ferry',
        'Receipts',
      ]);
    });

    it('are dropped under the ignore policy', () => {
      expect(fromGmail(['INBOX', 'Label_3', 'Label_2'], IGNORE).extraLabels).toEqual([]);
    });

    it('lose the separators Outlook splits categories on', () => {
      expect(fromGmail(['INBOX', 'Label_4']).extraLabels).toEqual(['receipts old']);
    });

    it('a label named like a default Outlook folder lands in a renamed folder, not in Sent Items', () => {
      const placed = fromGmail(['Label_5']);
      expect(placed.role).toBeNull();
      expect(placed.path[0]).toMatch(/^Sent Items ~[0-9a-f]{6}$/);
    });
  });

  describe('Gmail -> Graph: state from labels', () => {
    it('STARRED flags, UNREAD marks unread, IMPORTANT is high importance, DRAFT is a draft', () => {
      expect(fromGmail(['INBOX', 'STARRED', 'UNREAD', 'IMPORTANT']).state).toEqual({
        ...DEFAULT_STATE,
        read: false,
        flagged: true,
        importance: 'high',
      });
      expect(fromGmail(['DRAFT']).state.draft).toBe(true);
    });

    it('CATEGORY_* and CHAT are never places, even when listed as folders', () => {
      const listed = mapOf(folder('CATEGORY_SOCIAL', ['CATEGORY_SOCIAL']), folder('CHAT', ['Chats']));
      expect(
        placeItem(item(['CATEGORY_SOCIAL', 'CHAT']), listed, 'google', 'microsoft', CATEGORIES),
      ).toMatchObject({ role: 'archive', extraLabels: [] });
    });

    it('labels absent leave the summary state as the adapter read it', () => {
      expect(
        fromGmail(['INBOX'], CATEGORIES, { flagged: true, answered: true, importance: 'low' }).state,
      ).toEqual({ ...DEFAULT_STATE, read: true, flagged: true, answered: true, importance: 'low' });
    });

    it('reads system labels by id even when the adapter did not list them', () => {
      const placed = placeItem(
        item(['TRASH', 'STARRED', 'Label_9']),
        mapOf(folder('Label_9', ['Projects'])),
        'google',
        'microsoft',
        CATEGORIES,
      );
      expect(placed).toMatchObject({ role: 'deleted', path: [], extraLabels: ['Projects'] });
      expect(placed.state.flagged).toBe(true);
    });
  });

  describe('Graph -> Gmail', () => {
    const GRAPH = mapOf(
      folder('in', ['Inbox'], 'inbox'),
      folder('ar', ['Archive'], 'archive'),
      folder('del', ['Deleted Items'], 'deleted'),
      folder('p', ['Projects']),
      folder('pf', ['Projects', 'Ferry']),
      folder('cl', ['Inbox', 'Clients']),
      folder('old', ['Deleted Items', 'Old']),
      folder('slash', ['Projets/été']),
    );
    const toGmail = (id: string, state: Partial<MailState> = {}) =>
      placeItem(item([id], state), GRAPH, 'microsoft', 'google', CATEGORIES);

    it.each<[string, SystemFolder | null, string[]]>([
      ['in', 'inbox', []],
      ['ar', 'archive', []],
      ['pf', null, ['Projects', 'Ferry']],
      ['cl', null, ['Clients']],
      ['old', 'deleted', ['Old']],
      ['slash', null, ['Projets\u2215été']],
    ])('folder %s -> role %s, label %j', (id, role, path) => {
      expect(toGmail(id)).toMatchObject({ role, path, extraLabels: [] });
    });

    it('carries state unchanged', () => {
      const state = {
        ...DEFAULT_STATE,
        read: false,
        flagged: true,
        answered: true,
        importance: 'high' as const,
      };
      expect(toGmail('p', state).state).toEqual(state);
    });
  });

  describe('IMAP -> Graph and Gmail', () => {
    const IMAP = mapOf(
      folder('INBOX', ['INBOX'], 'inbox'),
      folder('INBOX/Projects', ['INBOX', 'Projects']),
      folder('Sent', ['Sent'], 'sent'),
      folder('Lists', ['Lists', 'ietf']),
    );

    it('Graph: paths stay paths, system folders become well-known folders, subfolders of INBOX stay below the Inbox', () => {
      const to = (id: string) => placeItem(item([id]), IMAP, 'imap', 'microsoft', CATEGORIES);
      expect(to('INBOX/Projects')).toMatchObject({ role: 'inbox', path: ['Projects'] });
      expect(to('Sent')).toMatchObject({ role: 'sent', path: [] });
      expect(to('Lists')).toMatchObject({ role: null, path: ['Lists', 'ietf'] });
    });

    it('Gmail: paths become nested labels', () => {
      expect(placeItem(item(['Lists']), IMAP, 'imap', 'google', CATEGORIES)).toMatchObject({
        role: null,
        path: ['Lists', 'ietf'],
      });
    });
  });

  it('an item whose folder is unknown goes to the Archive instead of being dropped', () => {
    expect(placeItem(item(['gone']), mapOf(), 'microsoft', 'google', CATEGORIES)).toMatchObject({
      role: 'archive',
      path: [],
    });
  });

  it.each<[MailSystem, MailSystem]>([
    ['google', 'google'],
    ['microsoft', 'imap'],
  ])('refuses %s -> %s', (source, target) => {
    expect(() => placeItem(item([]), mapOf(), source, target, CATEGORIES)).toThrow(RangeError);
  });
});
