/**
 * UID sets as IMAP servers send them (`1:5,7,9:12`): parsed to sorted, merged ranges and walked without
 * expanding, so a server's `1:4000000` costs two numbers, not four million.
 */

/** The largest UID (RFC 3501 nz-number). Ranges end here instead of at `*`, whose meaning depends on the mailbox. */
export const MAX_UID = 4_294_967_295;

/** An inclusive range of UIDs, `from <= to`. */
export type UidRange = readonly [from: number, to: number];

const ITEM = /^(\d{1,10})(?::(\d{1,10}))?$/;

/**
 * Parses a sequence set of UIDs into sorted, merged ranges.
 * @throws Error on anything else (`*`, zero, numbers over {@link MAX_UID}, empty items).
 */
export function parseUidSet(set: string): UidRange[] {
  if (set === '') return [];
  const ranges: [number, number][] = [];
  for (const item of set.split(',')) {
    const match = ITEM.exec(item);
    if (!match) throw new Error('not a UID set');
    const a = Number(match[1]);
    const b = match[2] === undefined ? a : Number(match[2]);
    if (a < 1 || b < 1 || a > MAX_UID || b > MAX_UID) throw new Error('not a UID set');
    ranges.push(a <= b ? [a, b] : [b, a]);
  }
  return mergeRanges(ranges);
}

/** Ranges of a list of UIDs (any order, duplicates allowed). */
export function rangesOf(uids: readonly number[]): UidRange[] {
  return mergeRanges(uids.map((uid) => [uid, uid]));
}

function mergeRanges(ranges: [number, number][]): UidRange[] {
  ranges.sort((x, y) => x[0] - y[0]);
  const merged: [number, number][] = [];
  for (const [from, to] of ranges) {
    const last = merged[merged.length - 1];
    if (last && from <= last[1] + 1) last[1] = Math.max(last[1], to);
    else merged.push([from, to]);
  }
  return merged;
}

/** How many UIDs the ranges hold. */
export function countUids(ranges: readonly UidRange[]): number {
  return ranges.reduce((sum, [from, to]) => sum + (to - from + 1), 0);
}

/** The first `limit` UIDs above `after`, ascending, and whether more follow. */
export function takeUids(
  ranges: readonly UidRange[],
  after: number,
  limit: number,
): { uids: number[]; more: boolean } {
  const uids: number[] = [];
  for (const [from, to] of ranges) {
    for (let uid = Math.max(from, after + 1); uid <= to; uid++) {
      if (uids.length === limit) return { uids, more: true };
      uids.push(uid);
    }
  }
  return { uids, more: false };
}

/** The UIDs of `[low, high]` the ranges do not hold. */
export function complementWithin(ranges: readonly UidRange[], low: number, high: number): UidRange[] {
  const gaps: UidRange[] = [];
  let next = low;
  for (const [from, to] of ranges) {
    if (to < next) continue;
    if (from > high) break;
    if (from > next) gaps.push([next, Math.min(from - 1, high)]);
    next = to + 1;
    if (next > high) return gaps;
  }
  if (next <= high) gaps.push([next, high]);
  return gaps;
}

/** A compact sequence set for a command (`1:3,7`); the UIDs need not be sorted. */
export function toSequenceSet(uids: readonly number[]): string {
  return rangesOf(uids)
    .map(([from, to]) => (from === to ? `${from}` : `${from}:${to}`))
    .join(',');
}
