import type { ScopeLedger } from '@ferry/migration/domain';
import type { LedgerEntry, ScopeLedgerStore } from './scope-ledger.store';

/**
 * Ledgers in this process's memory: the same compare-and-set and watch semantics as the NATS KV
 * store, for single-process tools and for tests that run several governors as "workers".
 */
export class MemoryScopeLedgerStore implements ScopeLedgerStore {
  private readonly entries = new Map<string, LedgerEntry>();
  private readonly watchers = new Map<string, Set<(entry: LedgerEntry | null) => void>>();
  private revision = 0;

  read(key: string): Promise<LedgerEntry | null> {
    return Promise.resolve(this.entries.get(key) ?? null);
  }

  write(key: string, ledger: ScopeLedger, revision: number | null): Promise<number | null> {
    if ((this.entries.get(key)?.revision ?? null) !== revision) return Promise.resolve(null);
    const entry = { ledger, revision: ++this.revision };
    this.entries.set(key, entry);
    // Watchers hear of a write after the writer does, as they would from a server.
    for (const watcher of this.watchers.get(key) ?? []) queueMicrotask(() => watcher(entry));
    return Promise.resolve(entry.revision);
  }

  watch(key: string, onChange: (entry: LedgerEntry | null) => void): Promise<{ stop(): void }> {
    const set = this.watchers.get(key) ?? new Set();
    this.watchers.set(key, set);
    set.add(onChange);
    const current = this.entries.get(key);
    if (current) queueMicrotask(() => onChange(current));
    return Promise.resolve({
      stop: () => {
        set.delete(onChange);
        if (set.size === 0) this.watchers.delete(key);
      },
    });
  }

  /** Keys held, for tests. */
  keys(): string[] {
    return [...this.entries.keys()];
  }
}
