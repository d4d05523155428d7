import {
  complementWithin,
  countUids,
  MAX_UID,
  parseUidSet,
  rangesOf,
  takeUids,
  toSequenceSet,
} from './imap-uid-set';

describe('imap uid sets', () => {
  it('parses a server set into sorted, merged ranges without expanding it', () => {
    expect(parseUidSet('9:12,1:5,7,6,3')).toEqual([
      [1, 7],
      [9, 12],
    ]);
    expect(parseUidSet('10:4')).toEqual([[4, 10]]);
    expect(countUids(parseUidSet(`1:${MAX_UID}`))).toBe(MAX_UID);
    expect(parseUidSet('')).toEqual([]);
  });

  it.each(['*', '1:*', '0', '1,,2', '1:2:3', `${MAX_UID + 1}`, 'a', '12345678901'])('refuses %p', (set) => {
    expect(() => parseUidSet(set)).toThrow('not a UID set');
  });

  it('takes the first UIDs above a bound and says whether more follow', () => {
    const ranges = parseUidSet('2:4,10,20:30');
    expect(takeUids(ranges, 0, 3)).toEqual({ uids: [2, 3, 4], more: true });
    expect(takeUids(ranges, 3, 3)).toEqual({ uids: [4, 10, 20], more: true });
    expect(takeUids(ranges, 29, 5)).toEqual({ uids: [30], more: false });
    expect(takeUids(ranges, 30, 5)).toEqual({ uids: [], more: false });
    // A huge range below the bound is skipped, not walked.
    expect(takeUids(parseUidSet(`1:${MAX_UID}`), MAX_UID - 2, 10)).toEqual({
      uids: [MAX_UID - 1, MAX_UID],
      more: false,
    });
  });

  it('finds the UIDs of an interval that a set does not hold', () => {
    const present = parseUidSet('3:4,7,9:20');
    expect(complementWithin(present, 1, 10)).toEqual([
      [1, 2],
      [5, 6],
      [8, 8],
    ]);
    expect(complementWithin(present, 5, 25)).toEqual([
      [5, 6],
      [8, 8],
      [21, 25],
    ]);
    expect(complementWithin([], 1, 3)).toEqual([[1, 3]]);
    expect(complementWithin(present, 9, 20)).toEqual([]);
  });

  it('writes a compact sequence set from unsorted UIDs', () => {
    expect(toSequenceSet([5, 1, 2, 3, 9, 2])).toBe('1:3,5,9');
    expect(rangesOf([4])).toEqual([[4, 4]]);
  });
});
