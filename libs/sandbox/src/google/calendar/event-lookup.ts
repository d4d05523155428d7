import type { StoredCalendar, StoredEvent } from './calendar.store';
import { synthesiseInstances } from './event-resource';

/** A resolved event id: a stored event, or an instance of a recurring one not yet changed. */
export type FoundEvent = { readonly kind: 'stored'; readonly event: StoredEvent } | { readonly kind: 'instance'; readonly master: StoredEvent; readonly event: StoredEvent };

/**
 * Finds an event by id, including instance ids (`<master>_<YYYYMMDDTHHMMSSZ>` or `_<YYYYMMDD>`),
 * which Google accepts wherever an event id goes.
 */
export function findEvent(calendar: StoredCalendar, id: string): FoundEvent | undefined {
  const stored = calendar.events.get(id);
  if (stored) return { kind: 'stored', event: stored };
  const m = /^(.+)_(\d{8})(?:T(\d{6})Z)?$/.exec(id);
  if (!m) return undefined;
  const master = calendar.events.get(m[1] ?? '');
  if (!master?.data.recurrence || master.data.status === 'cancelled') return undefined;
  const d = m[2] ?? '';
  const t = m[3];
  const at = Date.UTC(Number(d.slice(0, 4)), Number(d.slice(4, 6)) - 1, Number(d.slice(6, 8)), Number(t?.slice(0, 2) ?? 0), Number(t?.slice(2, 4) ?? 0), Number(t?.slice(4, 6) ?? 0));
  // Two days of slack cover all-day instances that start at local midnight before the UTC date.
  const instance = synthesiseInstances(calendar, master, at + 2 * 86_400_000).find((i) => i.id === id);
  if (!instance) return undefined;
  return { kind: 'instance', master, event: { id: instance.id, data: instance.data, createdMs: master.createdMs, updatedMs: master.updatedMs, changeSeq: master.changeSeq } };
}
