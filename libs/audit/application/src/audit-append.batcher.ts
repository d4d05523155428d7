import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  AUDIT_CHAIN_OPTIONS,
  AUDIT_STORE,
  type AppendOutcome,
  type AuditAppend,
  AuditAppendRejectedError,
  type AuditChainOptions,
  type AuditStore,
  type ChainPosition,
} from './audit.ports';
import { ChainCheckpointer } from './chain-checkpointer';

interface Pending {
  readonly item: AuditAppend;
  readonly resolve: (outcome: AppendOutcome) => void;
  readonly reject: (err: unknown) => void;
}

interface Appended {
  /** Per item: where it went, or why it was not stored. */
  readonly results: (AppendOutcome | Error)[];
  readonly heads: ChainPosition[];
}

/** Keeps the newest head per organisation. */
function newestHeads(heads: readonly ChainPosition[]): ChainPosition[] {
  const byOrg = new Map<string, ChainPosition>();
  for (const h of heads) {
    const seen = byOrg.get(h.orgId);
    if (!seen || seen.sequence < h.sequence) byOrg.set(h.orgId, h);
  }
  return [...byOrg.values()];
}

/**
 * Group commit: events handed in while a batch is being written wait and go together in the next
 * one (at most `maxBatch`), so one transaction carries many events under load and a lone event
 * waits for no timer. A caller's promise settles only after its batch committed and the new heads
 * were signed and witnessed, so a consumer acks only what is durably chained.
 */
@Injectable()
export class AuditAppendBatcher {
  private readonly logger = new Logger('AuditAppend');
  private readonly queue: Pending[] = [];
  private running = false;
  private draining: Promise<void> = Promise.resolve();

  constructor(
    @Inject(AUDIT_STORE) private readonly store: AuditStore,
    @Inject(AUDIT_CHAIN_OPTIONS) private readonly options: AuditChainOptions,
    @Inject(ChainCheckpointer) private readonly checkpointer: ChainCheckpointer,
  ) {}

  /** Appends one event with the next batch; resolves once that batch committed. */
  submit(item: AuditAppend): Promise<AppendOutcome> {
    return new Promise<AppendOutcome>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.running) {
        this.running = true;
        this.draining = this.drain();
      }
    });
  }

  /** Resolves once every event handed in so far has been written or refused. */
  async idle(): Promise<void> {
    while (this.running) await this.draining;
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) await this.writeBatch(this.queue.splice(0, Math.max(1, this.options.maxBatch)));
    } finally {
      // Runs in the same tick as the last look at the queue, so a later submit starts a new drain.
      this.running = false;
    }
  }

  private async writeBatch(batch: Pending[]): Promise<void> {
    let appended: Appended;
    try {
      appended = await this.append(batch.map((p) => p.item));
    } catch (err) {
      for (const p of batch) p.reject(err);
      return;
    }
    try {
      await this.checkpointer.committed(appended.heads);
    } catch (err) {
      // Committed is committed: the records stand and are acked; the next checkpoint covers them.
      this.logger.warn(`checkpoint after a batch failed: ${(err as Error).message}`);
    }
    batch.forEach((p, i) => {
      const result = appended.results[i];
      if (result instanceof Error || result === undefined) p.reject(result ?? new Error('no result for this event'));
      else p.resolve(result);
    });
  }

  /** Appends all in one transaction; a batch refused for its content is appended in halves, down to the offending event. */
  private async append(items: readonly AuditAppend[]): Promise<Appended> {
    try {
      const { outcomes, heads } = await this.store.appendBatch(items);
      return { results: [...outcomes], heads: [...heads] };
    } catch (err) {
      if (!(err instanceof AuditAppendRejectedError)) throw err;
      if (items.length === 1) return { results: [err], heads: [] };
      const middle = Math.ceil(items.length / 2);
      const first = await this.append(items.slice(0, middle));
      const second = await this.append(items.slice(middle));
      return { results: [...first.results, ...second.results], heads: newestHeads([...first.heads, ...second.heads]) };
    }
  }
}
