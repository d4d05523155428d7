import {
  categoryName,
  cleanName,
  FOLDER_NAME_LIMITS,
  isReservedRootName,
  nameKey,
  sanitiseSegment,
  truncateName,
  UNNAMED,
  withSuffix,
} from './folder-names';

describe('migration domain folder names', () => {
  describe('cleanName', () => {
    it('NFC-normalises, so a decomposed é is the precomposed one', () => {
      expect(cleanName('Cafe\u0301')).toBe('Caf\u00e9');
      expect(cleanName('Cafe\u0301')).toHaveLength(4);
    });

    it('turns control characters into spaces and trims blanks', () => {
      expect(cleanName('\tA\u0000B\nC\u0085D\u2028 ')).toBe('A B C D');
    });

    it('replaces a lone surrogate by U+FFFD and keeps a valid pair', () => {
      expect(cleanName('x\ud83dy')).toBe('x\ufffdy');
      expect(cleanName('\ude00x')).toBe('\ufffdx');
      expect(cleanName('\ud83d\ude00')).toBe('\ud83d\ude00');
    });

    it('keeps emoji sequences, right-to-left text with its marks, and combining marks as they are', () => {
      const family = '\u{1f469}\u200d\u{1f469}\u200d\u{1f467}';
      expect(cleanName(`${family} Famille`)).toBe(`${family} Famille`);
      expect(cleanName('\u05e9\u05dc\u05d5\u05dd\u200f 2024')).toBe('\u05e9\u05dc\u05d5\u05dd\u200f 2024');
      expect(cleanName('\u0915\u094d\u0937')).toBe('\u0915\u094d\u0937');
    });
  });

  describe('sanitiseSegment', () => {
    it('Gmail: a slash inside one name becomes a division slash (it would nest); a backslash stays', () => {
      expect(sanitiseSegment('Projets/été', 'google')).toBe('Projets\u2215été');
      expect(sanitiseSegment('C:\\Users', 'google')).toBe('C:\\Users');
    });

    it('Graph: slashes, backslashes and characters Outlook Web once refused are kept (Exchange stores any)', () => {
      expect(sanitiseSegment('A&B <test> / C\\D #1: "x"?', 'microsoft')).toBe('A&B <test> / C\\D #1: "x"?');
    });

    it.each(['', '   ', '\u0000\t'])('an empty or blank name %j becomes (unnamed) on both targets', (raw) => {
      expect(sanitiseSegment(raw, 'microsoft')).toBe(UNNAMED);
      expect(sanitiseSegment(raw, 'google')).toBe(UNNAMED);
    });

    it('a 300-character name is cut to 255 for Graph and 225 for Gmail', () => {
      const long = 'x'.repeat(300);
      expect(sanitiseSegment(long, 'microsoft')).toHaveLength(FOLDER_NAME_LIMITS.graphFolder);
      expect(sanitiseSegment(long, 'google')).toHaveLength(FOLDER_NAME_LIMITS.gmailLabel);
    });

    it('never cuts through an emoji with its modifier or a letter with its combining mark', () => {
      const thumbs = '\u{1f44d}\u{1f3fd}'; // 4 code units
      expect(sanitiseSegment(`${'a'.repeat(253)}${thumbs}`, 'microsoft')).toBe('a'.repeat(253));
      expect(sanitiseSegment(`${'a'.repeat(254)}e\u0301\u0302`, 'microsoft')).toBe('a'.repeat(254));
      expect(sanitiseSegment(`${'a'.repeat(251)}${thumbs}`, 'microsoft')).toBe(`${'a'.repeat(251)}${thumbs}`);
    });
  });

  describe('reserved names', () => {
    it.each([
      'INBOX',
      'Inbox',
      'spam',
      'Trash',
      'UNREAD',
      'Starred',
      'important',
      'SENT',
      'Draft',
      'chat',
      'CATEGORY_SOCIAL',
      'category_anything',
      'Muted',
      'Migrated',
    ])('Gmail keeps %s for itself', (name) => expect(isReservedRootName(name, 'google')).toBe(true));

    it.each(['Inbox', 'SENT ITEMS', 'Deleted Items', 'Junk Email', 'archive', 'Outbox', 'Calendar'])(
      'Exchange has a default folder %s at the root',
      (name) => expect(isReservedRootName(name, 'microsoft')).toBe(true),
    );

    it.each<['google' | 'microsoft', string]>([
      ['google', 'Inboxes'],
      ['google', 'Projects'],
      ['google', 'Sent Items'],
      ['microsoft', 'Spam'],
      ['microsoft', 'Projects'],
    ])('%s leaves %s to users', (target, name) => expect(isReservedRootName(name, target)).toBe(false));
  });

  describe('suffixes and keys', () => {
    it('derives the suffix from the seed: same seed same name, other seed other name, always within the limit', () => {
      const a = withSuffix('Clients', 'root\u0000Clients', 255);
      expect(a).toMatch(/^Clients ~[0-9a-f]{6}$/);
      expect(withSuffix('Clients', 'root\u0000Clients', 255)).toBe(a);
      expect(withSuffix('Clients', 'inbox\u0000Clients', 255)).not.toBe(a);
      const long = withSuffix('y'.repeat(300), 'seed', 225);
      expect(long).toHaveLength(225);
      expect(long).toMatch(/^y+ ~[0-9a-f]{6}$/);
    });

    it('compares names ignoring case and normalisation form', () => {
      expect(nameKey('CAFE\u0301')).toBe(nameKey('café'));
      expect(nameKey('Projects')).not.toBe(nameKey('Project'));
    });

    it('truncateName trims the blank left at the cut', () => {
      expect(truncateName('abc def', 4)).toBe('abc');
      expect(truncateName('abc', 10)).toBe('abc');
    });
  });

  describe('categoryName', () => {
    it('joins a nested label with / as Gmail shows it', () => {
      expect(categoryName(['Projects', 'Ferry'])).toBe('Projects/Ferry');
    });

    it('removes the separators Outlook splits categories on and collapses blanks', () => {
      expect(categoryName(['Clients, 2024; Q1\u061bx\uff1by'])).toBe('Clients 2024 Q1xy');
    });

    it('is null when nothing is left and at most 255 characters otherwise', () => {
      expect(categoryName([',;'])).toBeNull();
      expect(categoryName(['z'.repeat(400)])).toHaveLength(FOLDER_NAME_LIMITS.category);
    });
  });
});
