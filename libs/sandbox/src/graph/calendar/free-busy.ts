import type { FreeBusyStatus } from './calendar.store';

/**
 * The availabilityView digit per status (learn.microsoft.com/graph/api/resources/scheduleinformation):
 * 0 free or working elsewhere (4 is not used, for backward compatibility), 1 tentative, 2 busy, 3 out of office.
 */
const DIGIT: Readonly<Record<FreeBusyStatus, number>> = {
  free: 0,
  workingElsewhere: 0,
  unknown: 0,
  tentative: 1,
  busy: 2,
  oof: 3,
};

export interface BusySpan {
  readonly startUtc: number;
  readonly endUtc: number;
  readonly status: FreeBusyStatus;
}

/**
 * The merged view over [fromUtc, toUtc) in slots of `intervalMinutes` (the last slot may be short):
 * each slot shows the busiest status of any span overlapping it (oof > busy > tentative > free).
 */
export function availabilityView(
  spans: readonly BusySpan[],
  fromUtc: number,
  toUtc: number,
  intervalMinutes: number,
): string {
  const step = intervalMinutes * 60_000;
  const slots = Math.max(0, Math.ceil((toUtc - fromUtc) / step));
  const out: number[] = new Array<number>(slots).fill(0);
  for (const s of spans) {
    const digit = DIGIT[s.status];
    if (digit === 0 || s.endUtc <= fromUtc || s.startUtc >= toUtc) continue;
    const first = Math.max(0, Math.floor((s.startUtc - fromUtc) / step));
    const last = Math.min(slots - 1, Math.ceil((s.endUtc - fromUtc) / step) - 1);
    for (let i = first; i <= last; i++) out[i] = Math.max(out[i] ?? 0, digit);
  }
  return out.join('');
}
