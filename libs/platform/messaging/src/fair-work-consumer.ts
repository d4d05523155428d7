import { setTimeout as sleep } from 'node:timers/promises';
import type { DescMessage, MessageShape } from '@bufbuild/protobuf';
import { Streams } from '@ferry/contracts';
import type { JsMsg } from 'nats';
import { decode } from './codec';
import { WorkConsumer, type WorkConsumerSpec } from './work-consumer';

/** A fair consumer's settings: one durable consumer ("lane") per tenant or job, served in turn. */
export interface FairWorkConsumerSpec<P extends readonly string[], T extends DescMessage = DescMessage> extends Omit<WorkConsumerSpec<P, T>, 'durable' | 'filter'> {
  /** Lanes are the stream's durable consumers whose names start with `${lanePrefix}-`. */
  readonly lanePrefix: string;
  /**
   * Lanes named `${priorityLanePrefix}-<key>` are offered free slots before every other lane, and have
   * `prioritySlots` of their own on top of `concurrency`: for short work that produces the rest (a
   * planning step), so it never waits behind the long work already queued.
   */
  readonly priorityLanePrefix?: string;
  /** Slots only priority lanes may use, beyond `concurrency` (default 1; 0 to 16). */
  readonly prioritySlots?: number;
  /** Whether a lane's work may be taken now (e.g. its job is not paused); called for every round. */
  readonly laneActive?: (lane: string) => boolean | Promise<boolean>;
  /** How often the lane list is refreshed from the server (default 2 s). */
  readonly refreshLanesMs?: number;
  /** The group a message of an ordinary lane counts against (e.g. its mailbox); undefined: none. */
  readonly groupOf?: (message: MessageShape<T>) => string | undefined;
  /**
   * Messages of one group this replica handles at once while other work is waiting (default: no cap).
   * A message over the cap is held (not failed, not redelivered: no delivery is spent) until its
   * group has room; when the lanes hold nothing else, held messages use free slots beyond the cap.
   */
  readonly maxPerGroup?: number;
  /** Messages held at most by this replica (default four times `concurrency`); then it stops fetching. */
  readonly maxHeld?: number;
}

/** Messages taken from one lane per turn, at most. */
const BURST = 4;
const IDLE_MAX_MS = 500;

/** A message taken from a lane and waiting (with heartbeats) for a slot or for its group's turn. */
interface Held {
  readonly msg: JsMsg;
  readonly group: string | undefined;
  readonly heartbeat: NodeJS.Timeout;
}

/**
 * A durable work consumer over many lanes of one work-queue stream: each lane is a durable consumer
 * filtered to one tenant's (or job's) subjects, and free handler slots are offered to the lanes in
 * turn, a few messages at a time, so a tenant with a million queued items does not starve one with
 * ten. Lanes are discovered from the server, so every replica serves lanes another replica declared.
 *
 * Priority lanes (if named) are served first, with slots of their own. With a per-group cap, a group
 * already at its cap does not take more slots while other groups' messages wait: its further messages
 * are held by this replica, which reads on through the lane. Ack, retry and dead-letter behaviour is
 * WorkConsumer's.
 */
export class FairWorkConsumer<T extends DescMessage> extends WorkConsumer<T> {
  private running = false;
  private pump: Promise<void> | undefined;
  private lanes: string[] = [];
  private priorityLanes: string[] = [];
  private lanesAt = 0;
  private turn = 0;
  private priorityInFlight = 0;
  private readonly groups = new Map<string, number>();
  private held: Held[] = [];

  private get fair(): FairWorkConsumerSpec<readonly string[], T> {
    return this.spec as unknown as FairWorkConsumerSpec<readonly string[], T>;
  }

  private get prioritySlots(): number {
    if (!this.fair.priorityLanePrefix) return 0;
    return Math.min(16, Math.max(0, this.fair.prioritySlots ?? 1));
  }

  private get maxHeld(): number {
    return Math.max(0, this.fair.maxHeld ?? this.concurrency * 4);
  }

  /** Slots free for ordinary lanes: priority work uses its own slots first. */
  private get ordinaryFree(): number {
    return this.concurrency - this.inFlight.size + Math.min(this.priorityInFlight, this.prioritySlots);
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
    const priority: string[] = [];
    const priorityPrefix = this.fair.priorityLanePrefix;
    for await (const info of jsm.consumers.list(this.stream)) {
      if (priorityPrefix && info.name.startsWith(`${priorityPrefix}-`)) priority.push(info.name);
      else if (info.name.startsWith(`${this.fair.lanePrefix}-`)) names.push(info.name);
    }
    this.lanes = names.sort();
    this.priorityLanes = priority.sort();
  }

  private async pumpLanes(): Promise<void> {
    let idle = 25;
    while (this.running) {
      try {
        await this.refreshLanes();
        const taken = await this.round();
        idle = taken > 0 ? 25 : Math.min(IDLE_MAX_MS, idle * 2);
        // Nothing to take: wait a little, or until a slot frees.
        if (taken === 0 && this.running) await Promise.race([sleep(idle), ...this.inFlight]);
      } catch (err) {
        if (!this.running) break;
        this.logger?.warn(`fair consumer ${this.fair.lanePrefix}: ${(err as Error).message}`, 'Messaging');
        await sleep(1000);
      }
    }
  }

  /** One turn: priority lanes, held messages whose group has room, then the other lanes. Returns how many messages were taken or started. */
  private async round(): Promise<number> {
    let taken = 0;
    if (this.priorityLanes.length > 0) {
      taken += await this.serve(this.fair.priorityLanePrefix ?? '', this.priorityLanes, () => this.concurrency + this.prioritySlots - this.inFlight.size, (msg) => this.startHandling(msg, true, undefined));
    }
    taken += this.release(false);
    let ordinaryTaken = 0;
    const canRead = this.held.length < this.maxHeld || !this.fair.groupOf;
    if (this.ordinaryFree > 0 && canRead && this.lanes.length > 0) {
      ordinaryTaken = await this.serve(this.fair.lanePrefix, this.lanes, () => (this.held.length >= this.maxHeld && this.fair.groupOf ? 0 : this.ordinaryFree), (msg) => this.admit(msg));
      this.turn = (this.turn + 1) % Math.max(1, this.lanes.length);
      taken += ordinaryTaken;
    }
    // Nothing else to run (the lanes are empty, or this replica holds as much as it may): held
    // messages use the free slots beyond their group's cap rather than leave them idle.
    if (this.held.length > 0 && this.ordinaryFree > 0 && (ordinaryTaken === 0 || !canRead)) taken += this.release(true);
    return taken;
  }

  /** Fetches from each lane in turn (a few messages each) while `free()` allows. */
  private async serve(prefix: string, lanes: readonly string[], free: () => number, take: (msg: JsMsg) => void): Promise<number> {
    let taken = 0;
    const js = this.nc.jetstream();
    for (let i = 0; i < lanes.length && this.running; i++) {
      const room = free();
      if (room <= 0) break;
      const lane = lanes[(this.turn + i) % lanes.length] as string;
      const key = lane.slice(prefix.length + 1);
      if (this.fair.laneActive && !(await this.fair.laneActive(key))) continue;
      // no_wait: an empty lane answers at once instead of holding the turn.
      const batch = js.fetch(this.stream, lane, { batch: Math.min(room, BURST), no_wait: true });
      for await (const msg of batch) {
        taken++;
        take(msg);
      }
    }
    return taken;
  }

  /** Starts an ordinary lane's message, or holds it while its group is at its cap. */
  private admit(msg: JsMsg): void {
    const group = this.groupOf(msg);
    if (group !== undefined && (this.groups.get(group) ?? 0) >= (this.fair.maxPerGroup ?? Infinity)) {
      this.held.push({ msg, group, heartbeat: this.heartbeat(msg) });
      return;
    }
    this.startHandling(msg, false, group);
  }

  /** Starts held messages, in order, whose group has room (or any, with `beyondCap`) while slots are free. */
  private release(beyondCap: boolean): number {
    if (this.held.length === 0) return 0;
    const cap = this.fair.maxPerGroup ?? Infinity;
    let started = 0;
    const still: Held[] = [];
    for (const h of this.held) {
      const room = beyondCap || h.group === undefined || (this.groups.get(h.group) ?? 0) < cap;
      if (this.running && this.ordinaryFree > 0 && room) {
        clearInterval(h.heartbeat);
        this.startHandling(h.msg, false, h.group);
        started++;
      } else {
        still.push(h);
      }
    }
    this.held = still;
    return started;
  }

  private groupOf(msg: JsMsg): string | undefined {
    if (!this.fair.groupOf || this.fair.maxPerGroup === undefined) return undefined;
    try {
      return this.fair.groupOf(decode(this.contract.schema, msg.data));
    } catch {
      return undefined; // undecodable: the handler dead-letters it
    }
  }

  private startHandling(msg: JsMsg, priority: boolean, group: string | undefined): void {
    if (priority) this.priorityInFlight++;
    if (group !== undefined) this.groups.set(group, (this.groups.get(group) ?? 0) + 1);
    const task = this.handle(msg).catch((err: unknown) => {
      this.logger?.error(`fair consumer ${this.fair.lanePrefix}: ${(err as Error).message}`, 'Messaging');
    });
    this.inFlight.add(task);
    void task.finally(() => {
      this.inFlight.delete(task);
      if (priority) this.priorityInFlight--;
      if (group !== undefined) {
        const left = (this.groups.get(group) ?? 1) - 1;
        if (left > 0) this.groups.set(group, left);
        else this.groups.delete(group);
      }
    });
  }

  override async stop(): Promise<void> {
    this.running = false;
    await this.pump?.catch(() => undefined);
    // Held messages go back to the lane at once, for another replica.
    for (const h of this.held) {
      clearInterval(h.heartbeat);
      try {
        h.msg.nak();
      } catch {
        // closed connection: the server redelivers after ack wait
      }
    }
    this.held = [];
    await Promise.allSettled([...this.inFlight]);
  }
}
