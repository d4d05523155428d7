import { InvalidControlCommandError, type Violation } from './control-plane.errors';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Checks that each named id is a UUID and returns them lower-cased (the form they are stored in). */
export function uuids<K extends string>(ids: Record<K, string>): Record<K, string> {
  const violations: Violation[] = [];
  const out = {} as Record<K, string>;
  for (const [field, value] of Object.entries(ids) as [K, string][]) {
    if (!UUID.test(value)) violations.push({ field, reason: 'must be a UUID' });
    out[field] = value.toLowerCase();
  }
  if (violations.length > 0) throw new InvalidControlCommandError(violations);
  return out;
}

/** A page request's bounds: `limit` 0 means the maximum. */
export function page(offset: number, limit: number, max = 1000): { offset: number; limit: number } {
  const violations: Violation[] = [];
  if (!Number.isSafeInteger(offset) || offset < 0)
    violations.push({ field: 'offset', reason: 'must be a whole number, 0 or more' });
  if (!Number.isSafeInteger(limit) || limit < 0 || limit > max)
    violations.push({ field: 'limit', reason: `must be a whole number from 1 to ${max}` });
  if (violations.length > 0) throw new InvalidControlCommandError(violations);
  return { offset, limit: limit === 0 ? max : limit };
}
