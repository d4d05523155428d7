import { isDeepStrictEqual } from 'node:util';

/** A repository's copy for one unit of work: its writes reach the original only on `commit`. */
export interface Staged<R> {
  readonly repository: R;
  /** Writes the rows the unit of work changed, added or removed into the original; others stay as they are. */
  commit(): void;
}

/**
 * Stages a memory repository's rows: `make` builds a repository over a deep copy, whose writes stay
 * out of sight until `commit` (as a transaction's do for other connections) and are simply dropped
 * on rollback.
 */
export function stageRows<K, V, R>(rows: Map<K, V>, make: (copy: Map<K, V>) => R): Staged<R> {
  const base = structuredClone(rows);
  const copy = structuredClone(rows);
  return {
    repository: make(copy),
    commit() {
      for (const key of new Set([...base.keys(), ...copy.keys()])) {
        if (isDeepStrictEqual(base.get(key), copy.get(key))) continue;
        const row = copy.get(key);
        if (row === undefined) rows.delete(key);
        else rows.set(key, row);
      }
    },
  };
}
