import { setTimeout as sleep } from 'node:timers/promises';
import type { DescMessage } from '@bufbuild/protobuf';
import { Streams } from '@ferry/contracts';
import type { JsMsg } from 'nats';
import { WorkConsumer, type WorkConsumerSpec } from './work-consumer';

/** A fair consumer's settings: one durable consumer ("lane") per tenant or job, served in turn. */
export interface FairWorkConsumerSpec<P extends readonly string[], T extends DescMessage = DescMessage> extends Omit<WorkConsumerSpec<P, T>, 'durable' | 'filter'> {
  /** Lanes are the stream's durable consumers whose names start with `${lanePrefix}-`. */
  readonly lanePrefix: string;
  /** Whether a lane's work may be taken now (e.g. its job is not paused); called for every round. */
  readonly laneActive?: (lane: string) => boolean | Promise<boolean>;
  /** How often the lane list is refreshed from the server (default 2 s). */
  readonly refreshLanesMs?: number;
}

/** Messages taken from one lane per turn, at most. */
const BURST = 4;
const IDLE_MAX_MS = 500;

/**
 * A durable work consumer over many lanes of one work-queue stream: each lane is a durable consumer
 * filtered to one tenant's (or job's) subjects, and free handler slots are offered to the lanes in
 * turn, a few messages at a time, so a tenant with a million queued items does not starve one with
 * ten. Lanes are discovered from the server, so every replica serves lanes another replica declared.
 * Ack, retry and dead-letter behaviour is WorkConsumer's.
 */
export class FairWorkConsumer<T extends DescMessage> extends WorkConsumer<T> {
  private running = false;
  private pump: Promise<void> | undefined;
  private lanes: string[] = [];
  private lanesAt = 0;
  private turn = 0;

  private get fair(): FairWorkConsumerSpec<readonly string[]> {
    return this.spec as unknown as FairWorkConsumerSpec<readonly string[]>;
  }

  override async start(): Promise<void> {
    this.stream = await this.client.declareStream(this.contract.stream);
    await this.client.declareStream(Streams.deadLetter);
    await this.client.declareStream(Streams.audit);
    this.running = true;
    this.pump = this.pumpLanes();
  }

  private async refreshLanes(): Promise<void> {
    const every = this.fair.refreshLanesMs ?? 2000;
    if (Date.now() - this.lanesAt < every) return;
    this.lanesAt = Date.now();
    const jsm = await this.nc.jetstreamManager();
    const names: string[] = [];
    for await (const info of jsm.consumers.list(this.stream)) {
      if (info.name.startsWith(`${this.fair.lanePrefix}-`)) names.push(info.name);
    }
    this.lanes = names.sort();
  }

  private async pumpLanes(): Promise<void> {
    let idle = 25;
    while (this.running) {
      try {
        while (this.running && this.inFlight.size >= this.concurrency) await Promise.race(this.inFlight);
        if (!this.running) break;
        await this.refreshLanes();
        const taken = await this.round();
        idle = taken > 0 ? 25 : Math.min(IDLE_MAX_MS, idle * 2);
        if (taken === 0) await sleep(idle);
      } catch (err) {
        if (!this.running) break;
        this.logger?.warn(`fair consumer ${this.fair.lanePrefix}: ${(err as Error).message}`, 'Messaging');
        await sleep(1000);
      }
    }
  }

  /** One turn over the lanes; returns how many messages were started. */
  private async round(): Promise<number> {
    const lanes = this.lanes;
    if (lanes.length === 0) return 0;
    let taken = 0;
    const js = this.nc.jetstream();
    for (let i = 0; i < lanes.length && this.running; i++) {
      const free = this.concurrency - this.inFlight.size;
      if (free <= 0) break;
      const lane = lanes[(this.turn + i) % lanes.length] as string;
      const key = lane.slice(this.fair.lanePrefix.length + 1);
      if (this.fair.laneActive && !(await this.fair.laneActive(key))) continue;
      // no_wait: an empty lane answers at once instead of holding the turn.
      const batch = js.fetch(this.stream, lane, { batch: Math.min(free, BURST), no_wait: true });
      for await (const msg of batch) {
        taken++;
        this.startHandling(msg);
      }
    }
    this.turn = (this.turn + 1) % Math.max(1, lanes.length);
    return taken;
  }

  private startHandling(msg: JsMsg): void {
    const task = this.handle(msg).catch((err: unknown) => {
      this.logger?.error(`fair consumer ${this.fair.lanePrefix}: ${(err as Error).message}`, 'Messaging');
    });
    this.inFlight.add(task);
    void task.finally(() => this.inFlight.delete(task));
  }

  override async stop(): Promise<void> {
    this.running = false;
    await this.pump?.catch(() => undefined);
    await Promise.allSettled([...this.inFlight]);
  }
}
