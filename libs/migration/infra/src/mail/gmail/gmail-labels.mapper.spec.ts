import { DEFAULT_STATE, type TargetPlacement } from '@ferry/migration/domain';
import {
  folderOfLabel,
  isManagedLabel,
  orderLabelIds,
  placedUserLabelNames,
  systemLabelIds,
  userLabelNames,
} from './gmail-labels.mapper';

const placement = (over: Partial<TargetPlacement>): TargetPlacement => ({
  path: [],
  role: null,
  extraLabels: [],
  state: DEFAULT_STATE,
  ...over,
});

describe('gmail labels mapping', () => {
  it('makes user labels nested folders, place-like system labels roles, and the rest state only', () => {
    expect(folderOfLabel({ id: 'Label_3', name: 'Projets/été', type: 'user' })).toEqual({
      id: 'Label_3',
      path: ['Projets', 'été'],
      role: null,
    });
    expect(folderOfLabel({ id: 'SPAM', name: 'SPAM', type: 'system' })).toEqual({
      id: 'SPAM',
      path: ['Spam'],
      role: 'junk',
    });
    expect(folderOfLabel({ id: 'TRASH', name: 'TRASH', type: 'system' })?.role).toBe('deleted');
    expect(folderOfLabel({ id: 'DRAFT', name: 'DRAFT', type: 'system' })?.role).toBe('drafts');
    for (const id of ['STARRED', 'UNREAD', 'IMPORTANT', 'CATEGORY_SOCIAL', 'CHAT'])
      expect(folderOfLabel({ id, name: id, type: 'system' })).toMatchObject({
        id,
        stateOnly: true,
        role: null,
      });
  });

  it('orders a message’s labels most specific first', () => {
    expect(orderLabelIds(['UNREAD', 'INBOX', 'CATEGORY_UPDATES', 'Label_2', 'SENT', 'TRASH'])).toEqual([
      'TRASH',
      'Label_2',
      'SENT',
      'INBOX',
      'UNREAD',
      'CATEGORY_UPDATES',
    ]);
  });

  it('lists a placement’s labels with their parents first, and its system labels from role and state', () => {
    const p = placement({
      path: ['Projets', 'été'],
      extraLabels: ['Receipts/2024'],
      role: 'inbox',
      state: { ...DEFAULT_STATE, read: false, flagged: true, importance: 'high' },
    });
    expect(userLabelNames(p)).toEqual(['Projets', 'Projets/été', 'Receipts', 'Receipts/2024']);
    expect(placedUserLabelNames(p)).toEqual(['Projets/été', 'Receipts/2024']);
    expect(systemLabelIds(p)).toEqual(['INBOX', 'UNREAD', 'STARRED', 'IMPORTANT']);
    expect(systemLabelIds(placement({ role: 'archive', state: { ...DEFAULT_STATE, read: true } }))).toEqual(
      [],
    );
    expect(systemLabelIds(placement({ role: 'junk', state: { ...DEFAULT_STATE, read: true } }))).toEqual([
      'SPAM',
    ]);
  });

  it('manages places, state and user labels on update, never DRAFT or Gmail’s own categories', () => {
    for (const id of ['INBOX', 'SENT', 'SPAM', 'TRASH', 'UNREAD', 'STARRED', 'IMPORTANT', 'Label_7'])
      expect(isManagedLabel(id)).toBe(true);
    for (const id of ['DRAFT', 'CATEGORY_PROMOTIONS', 'CHAT']) expect(isManagedLabel(id)).toBe(false);
  });
});
