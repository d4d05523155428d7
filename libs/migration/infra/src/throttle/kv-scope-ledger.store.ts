import type { ScopeLedger } from '@ferry/migration/domain';
import type { KV, KvEntry } from 'nats';
import { decodeLedger, encodeLedger } from './ledger.codec';
import type { LedgerEntry, ScopeLedgerStore } from './scope-ledger.store';
import type { ThrottleStoreOp } from './throttle-metrics';

/** JetStream's "wrong last sequence": the key moved on since the revision a compare-and-set named. */
const WRONG_LAST_SEQUENCE = 10071;

/** Scope ledgers in a NATS JetStream KV bucket (one key per scope, compare-and-set on the revision). */
export class KvScopeLedgerStore implements ScopeLedgerStore {
  constructor(
    private readonly kv: KV,
    private readonly onOp: (op: ThrottleStoreOp) => void = () => undefined,
  ) {}

  async read(key: string): Promise<LedgerEntry | null> {
    this.onOp('read');
    return toEntry(await this.kv.get(key));
  }

  async write(key: string, ledger: ScopeLedger, revision: number | null): Promise<number | null> {
    this.onOp('write');
    const value = encodeLedger(ledger);
    try {
      return revision === null ? await this.kv.create(key, value) : await this.kv.update(key, value, revision);
    } catch (err) {
      if ((err as { api_error?: { err_code?: number } }).api_error?.err_code === WRONG_LAST_SEQUENCE) {
        this.onOp('conflict');
        return null;
      }
      throw err;
    }
  }

  async watch(key: string, onChange: (entry: LedgerEntry | null) => void): Promise<{ stop(): void }> {
    const updates = await this.kv.watch({ key });
    void (async () => {
      try {
        for await (const entry of updates) onChange(toEntry(entry));
      } catch {
        // The connection closed under the watch; the agent falls back to reading on its next sync.
      }
    })();
    return { stop: () => updates.stop() };
  }
}

function toEntry(entry: KvEntry | null): LedgerEntry | null {
  if (!entry || entry.operation !== 'PUT') return null;
  return { ledger: decodeLedger(entry.value), revision: entry.revision };
}
