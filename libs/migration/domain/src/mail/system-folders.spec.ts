import { DEFAULT_STATE, type SystemFolder } from './mail-item';
import {
  gmailLabelKind,
  gmailLabelOfRole,
  gmailLabelsOfState,
  gmailRoleOfLabel,
  gmailStateOfLabels,
  graphRoleOfWellKnown,
  graphWellKnownOfRole,
  imapRoleOf,
} from './system-folders';

const ROLES: SystemFolder[] = ['inbox', 'sent', 'drafts', 'junk', 'deleted', 'archive'];

describe('migration domain system folders', () => {
  it('Gmail: system labels and roles translate both ways; archive is no label', () => {
    expect(ROLES.map(gmailLabelOfRole)).toEqual(['INBOX', 'SENT', 'DRAFT', 'SPAM', 'TRASH', null]);
    for (const role of ROLES) {
      const label = gmailLabelOfRole(role);
      if (label) expect(gmailRoleOfLabel(label)).toBe(role);
    }
    expect(gmailRoleOfLabel('STARRED')).toBeNull();
    expect(gmailRoleOfLabel('Label_1')).toBeNull();
  });

  it('Graph: well-known names and roles translate both ways, in any case', () => {
    expect(ROLES.map(graphWellKnownOfRole)).toEqual([
      'inbox',
      'sentitems',
      'drafts',
      'junkemail',
      'deleteditems',
      'archive',
    ]);
    for (const role of ROLES)
      expect(graphRoleOfWellKnown(graphWellKnownOfRole(role).toUpperCase())).toBe(role);
    expect(graphRoleOfWellKnown('outbox')).toBeNull();
  });

  it.each([
    ['INBOX', 'place'],
    ['TRASH', 'place'],
    ['UNREAD', 'state'],
    ['IMPORTANT', 'state'],
    ['CATEGORY_PROMOTIONS', 'ignored'],
    ['CHAT', 'ignored'],
    ['Label_42', 'user'],
  ])('Gmail label %s is a %s label', (id, kind) => expect(gmailLabelKind(id)).toBe(kind));

  it('IMAP: INBOX by name in any case, the others by SPECIAL-USE attribute only', () => {
    expect(imapRoleOf(['inbox'], [])).toBe('inbox');
    expect(imapRoleOf(['Sent'], ['\\HasNoChildren', '\\Sent'])).toBe('sent');
    expect(imapRoleOf(['Corbeille'], ['\\Trash'])).toBe('deleted');
    expect(imapRoleOf(['Spam'], ['\\Junk'])).toBe('junk');
    expect(imapRoleOf(['A'], ['\\Archive'])).toBe('archive');
    expect(imapRoleOf(['Sent'], [])).toBeNull();
    expect(imapRoleOf(['Lists', 'INBOX'], [])).toBeNull();
  });

  it('Gmail state labels translate to state and back', () => {
    const state = gmailStateOfLabels(['INBOX', 'UNREAD', 'STARRED', 'IMPORTANT']);
    expect(state).toEqual({ ...DEFAULT_STATE, read: false, flagged: true, importance: 'high' });
    expect(gmailLabelsOfState(state)).toEqual(['UNREAD', 'STARRED', 'IMPORTANT']);
    expect(gmailStateOfLabels(['INBOX'], { ...DEFAULT_STATE, answered: true })).toEqual({
      ...DEFAULT_STATE,
      read: true,
      answered: true,
    });
    expect(gmailLabelsOfState({ ...DEFAULT_STATE, read: true })).toEqual([]);
  });
});
