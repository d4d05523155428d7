import type { ItemReference, ReferenceStore } from '../ports/reference.ports';

/** When a batch writes the references of the items it finished so far. */
export interface CheckpointLimits {
  /** Write once this many references wait. */
  readonly items: number;
  /** Write what waits once this long has passed since the last write. */
  readonly ms: number;
}

export const DEFAULT_CHECKPOINT: CheckpointLimits = { items: 25, ms: 2000 };

/**
 * Writes a batch's references as its items finish (every `items` references or `ms`, whichever comes
 * first) rather than only at its end, so a batch whose worker is killed again and again still keeps
 * what each attempt copied: the next delivery finds those references and sends only the rest.
 * One write at a time; a write that fails keeps its references for the next one, and `flush` (at the
 * batch's end) writes everything left or throws.
 */
export class ReferenceCheckpoint {
  private puts: ItemReference[] = [];
  private removals: string[] = [];
  private writing: Promise<void> | null = null;
  private lastWrite: number;

  constructor(
    private readonly refs: ReferenceStore,
    private readonly projectId: string,
    private readonly mappingId: string,
    private readonly limits: CheckpointLimits = DEFAULT_CHECKPOINT,
    private readonly now: () => number = Date.now,
  ) {
    this.lastWrite = now();
  }

  /** An item's new or changed reference. */
  put(ref: ItemReference): void {
    this.puts.push(ref);
    this.maybeWrite();
  }

  /** An item whose copy was removed (a mirrored deletion). */
  remove(sourceId: string): void {
    this.removals.push(sourceId);
    this.maybeWrite();
  }

  /** Writes everything still waiting; throws if that write fails. */
  async flush(): Promise<void> {
    await this.writing;
    await this.write();
  }

  private maybeWrite(): void {
    if (this.writing) return;
    const waiting = this.puts.length + this.removals.length;
    if (waiting === 0 || (waiting < this.limits.items && this.now() - this.lastWrite < this.limits.ms)) return;
    this.writing = this.write().then(
      () => {
        this.writing = null;
        this.maybeWrite(); // items that finished during the write may already be due
      },
      () => {
        this.writing = null; // kept for the next item's write; flush reports a failure that lasts
      },
    );
  }

  private async write(): Promise<void> {
    const puts = this.puts;
    const removals = this.removals;
    this.puts = [];
    this.removals = [];
    this.lastWrite = this.now();
    try {
      if (puts.length > 0) await this.refs.put(puts);
      if (removals.length > 0) await this.refs.remove(this.projectId, this.mappingId, removals);
    } catch (err) {
      this.puts = [...puts, ...this.puts];
      this.removals = [...removals, ...this.removals];
      throw err;
    }
  }
}
