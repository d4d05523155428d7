/**
 * Max-min fair split of `capacity` whole slots among demands: nobody gets more than it asks, and
 * the rest is shared out evenly. Slots that do not divide evenly go first to the ids that sort first
 * under `round` (a number every worker derives from the clock, e.g. the current lease period), so the
 * odd slot moves around instead of favouring one worker for ever, and workers computing the split
 * from the same state and round agree.
 */
export function maxMinShares(capacity: number, demands: ReadonlyMap<string, number>, round = 0): Map<string, number> {
  const shares = new Map<string, number>();
  const ids = [...demands.keys()].sort((a, b) => rank(a, round) - rank(b, round) || (a < b ? -1 : a > b ? 1 : 0));
  const demandOf = (id: string) => Math.max(0, Math.floor(demands.get(id) ?? 0));
  for (const id of ids) shares.set(id, 0);
  let remaining = Math.max(0, Math.floor(capacity));
  for (;;) {
    const hungry = ids.filter((id) => (shares.get(id) ?? 0) < demandOf(id));
    if (hungry.length === 0 || remaining === 0) return shares;
    const each = Math.floor(remaining / hungry.length);
    if (each === 0) {
      for (const id of hungry.slice(0, remaining)) shares.set(id, (shares.get(id) ?? 0) + 1);
      return shares;
    }
    for (const id of hungry) {
      const share = shares.get(id) ?? 0;
      const add = Math.min(each, demandOf(id) - share);
      shares.set(id, share + add);
      remaining -= add;
    }
  }
}

/** FNV-1a of the id and the round: a stable, well-spread order that changes every round. */
function rank(id: string, round: number): number {
  let h = 0x811c9dc5;
  const text = `${round}:${id}`;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}
