import { fromBinary } from '@bufbuild/protobuf';
import { AuditEventSchema, DeadLetterReason, DeadLetterSchema, Events, Outcome } from '@ferry/contracts';
import { natsTestNamespace, TEST_NATS_URL } from '@ferry/platform/testing';
import { AckPolicy, connect, nanos, type NatsConnection } from 'nats';
import { PermanentMessageError } from './errors';
import type { MessagingClient } from './messaging.client';
import { client, eventually, memoryLogger, workEvent } from './testing/fixtures';
import { DEAD_LETTER_DELIVERIES, serverMaxDeliver } from './work-consumer';

/** Reads every message currently in a stream through an ephemeral consumer. */
async function readStream(nc: NatsConnection, stream: string): Promise<Uint8Array[]> {
  const jsm = await nc.jetstreamManager();
  const info = await jsm.streams.info(stream);
  const out: Uint8Array[] = [];
  for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq += 1) {
    const m = await jsm.streams.getMessage(stream, { seq }).catch(() => undefined);
    if (m) out.push(m.data);
  }
  return out;
}

describe('durable work queues', () => {
  const ns = natsTestNamespace('work');
  const clients: MessagingClient[] = [];
  let nc: NatsConnection;
  const make = (service = 'worker', logger = memoryLogger()) => {
    const c = client(TEST_NATS_URL, ns.prefix, service, logger);
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    nc = await connect({ servers: TEST_NATS_URL });
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await nc.close();
    await ns.cleanup();
  });

  it('handles every message once across two replicas sharing a durable consumer', async () => {
    const seen: string[] = [];
    for (const replica of ['r1', 'r2']) {
      await make().consume(workEvent, { durable: 'once', filter: { region: 'a' }, concurrency: 4 }, async (msg) => {
        await new Promise((r) => setTimeout(r, Math.random() * 5));
        seen.push(`${replica}:${msg.id}`);
      });
    }
    const producer = make('producer');
    for (let i = 0; i < 200; i += 1) {
      await producer.publish(workEvent, { region: 'a', org: `org${i % 5}` }, { id: `m${i}` }, { msgId: `m${i}` });
    }
    await eventually(() => seen.length >= 200);
    await new Promise((r) => setTimeout(r, 300)); // a duplicate would arrive now
    const ids = seen.map((s) => s.split(':')[1]);
    expect(ids).toHaveLength(200);
    expect(new Set(ids).size).toBe(200);
    expect(new Set(seen.map((s) => s.split(':')[0]))).toEqual(new Set(['r1', 'r2']));
  });

  it('drops a republished message with the same id inside the duplicate window', async () => {
    const producer = make('producer');
    const first = await producer.publish(workEvent, { region: 'dup', org: 'o' }, { id: 'x' }, { msgId: 'same-id' });
    const second = await producer.publish(workEvent, { region: 'dup', org: 'o' }, { id: 'x' }, { msgId: 'same-id' });
    expect(first.duplicate).toBe(false);
    expect(second.duplicate).toBe(true);
    expect(second.sequence).toBe(first.sequence);
  });

  it('redelivers a failed message after a delay and acks it once the handler succeeds', async () => {
    const attempts: number[] = [];
    await make().consume(
      workEvent,
      { durable: 'retry', filter: { region: 'retry' }, retryDelaysMs: [200], maxDeliveries: 4 },
      async (_msg, ctx) => {
        attempts.push(ctx.deliveryCount);
        if (ctx.deliveryCount < 3) throw new Error('transient');
      },
    );
    const started = Date.now();
    await make('producer').publish(workEvent, { region: 'retry', org: 'o' }, { id: 'r' }, { msgId: 'r' });
    await eventually(() => attempts.length === 3);
    expect(attempts).toEqual([1, 2, 3]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
    await new Promise((r) => setTimeout(r, 500));
    expect(attempts).toHaveLength(3);
  });

  it('dead-letters after max deliveries with an audit record, and keeps consuming', async () => {
    const logger = memoryLogger();
    const handled: string[] = [];
    await make('worker', logger).consume(
      workEvent,
      { durable: 'dlq', filter: { region: 'dlq' }, retryDelaysMs: [50], maxDeliveries: 3 },
      async (msg) => {
        if (msg.id === 'poison') throw new Error('always fails');
        handled.push(msg.id);
      },
    );
    const producer = make('producer');
    await producer.publish(workEvent, { region: 'dlq', org: 'org-9' }, { id: 'poison' }, { msgId: 'poison' });
    await producer.publish(workEvent, { region: 'dlq', org: 'org-9' }, { id: 'fine' }, { msgId: 'fine' });
    const dlqStream = producer.naming.stream('DEADLETTER');
    await eventually(async () => (await readStream(nc, dlqStream).catch(() => [])).length > 0);
    const letters = (await readStream(nc, dlqStream)).map((d) => fromBinary(DeadLetterSchema, d));
    const letter = letters.find((l) => l.subject === 'test.v1.work.dlq.org-9');
    expect(letter).toMatchObject({ reason: DeadLetterReason.MAX_DELIVERIES, deliveryCount: 3, consumer: 'dlq' });
    expect(letter?.detail).toContain('always fails');
    expect(handled).toContain('fine');

    const audit = (await readStream(nc, producer.naming.stream('AUDIT'))).map((d) => fromBinary(AuditEventSchema, d));
    const record = audit.find((a) => a.action === 'platform.message.dead_lettered' && a.orgId === 'org-9');
    expect(record).toMatchObject({ outcome: Outcome.FAILURE, detail: { consumer: 'dlq', reason: 'MAX_DELIVERIES' } });
    expect(Events.audit.base).toBe('audit.v1.events');
  });

  it('dead-letters an undecodable payload at once and goes on with the next message', async () => {
    const handled: string[] = [];
    await make().consume(workEvent, { durable: 'garbage', filter: { region: 'bad' } }, async (msg) => {
      handled.push(msg.id);
    });
    const producer = make('producer');
    await producer.declareStream(workEvent.stream);
    await nc.jetstream().publish(`${ns.prefix}.test.v1.work.bad.o`, new Uint8Array([0x0a, 0xff, 0xff, 0xff]));
    await producer.publish(workEvent, { region: 'bad', org: 'o' }, { id: 'after' }, { msgId: 'after' });
    await eventually(() => handled.includes('after'));
    const dlqStream = producer.naming.stream('DEADLETTER');
    await eventually(async () =>
      (await readStream(nc, dlqStream)).some((d) => fromBinary(DeadLetterSchema, d).reason === DeadLetterReason.UNDECODABLE),
    );
    const letter = (await readStream(nc, dlqStream))
      .map((d) => fromBinary(DeadLetterSchema, d))
      .find((l) => l.reason === DeadLetterReason.UNDECODABLE);
    expect(letter?.deliveryCount).toBe(1);
    expect(Array.from(letter?.payload ?? [])).toEqual([0x0a, 0xff, 0xff, 0xff]);
    const audit = (await readStream(nc, producer.naming.stream('AUDIT'))).map((d) => fromBinary(AuditEventSchema, d));
    expect(audit.some((a) => a.detail['reason'] === 'UNDECODABLE' && a.detail['consumer'] === 'garbage')).toBe(true);
  });

  it('dead-letters a permanent failure without retrying', async () => {
    let attempts = 0;
    await make().consume(workEvent, { durable: 'perm', filter: { region: 'perm' }, maxDeliveries: 5 }, async () => {
      attempts += 1;
      throw new PermanentMessageError('mapping row refers to an unknown connector');
    });
    const producer = make('producer');
    await producer.publish(workEvent, { region: 'perm', org: 'o' }, { id: 'p' }, { msgId: 'p' });
    const dlqStream = producer.naming.stream('DEADLETTER');
    await eventually(async () =>
      (await readStream(nc, dlqStream)).some((d) => fromBinary(DeadLetterSchema, d).reason === DeadLetterReason.REJECTED),
    );
    await new Promise((r) => setTimeout(r, 300));
    expect(attempts).toBe(1);
  });

  it('declares consumers with a server-side delivery cap above the handler attempts, room to dead-letter', async () => {
    const c = make();
    await c.consume(workEvent, { durable: 'cap', filter: { region: 'cap' }, maxDeliveries: 4 }, async () => undefined);
    const info = await (await nc.jetstreamManager()).consumers.info(c.naming.stream('WORK'), 'cap');
    expect(DEAD_LETTER_DELIVERIES).toBeGreaterThanOrEqual(2);
    expect(info.config.max_deliver).toBe(4 + DEAD_LETTER_DELIVERIES);
    expect(info.config.ack_policy).toBe(AckPolicy.Explicit);
  });

  it('tells the dead-letter hook about a message whose last attempt failed, before dead-lettering it', async () => {
    const told: { id: string; reason: DeadLetterReason; deliveryCount: number; maxDeliveries: number }[] = [];
    await make().consume(
      workEvent,
      {
        durable: 'hook',
        filter: { region: 'hook' },
        retryDelaysMs: [50],
        maxDeliveries: 2,
        onDeadLetter: async (msg, ctx) => void told.push({ id: msg.id, reason: ctx.reason, deliveryCount: ctx.deliveryCount, maxDeliveries: ctx.maxDeliveries }),
      },
      async () => {
        throw new Error('always fails');
      },
    );
    const producer = make('producer');
    await producer.publish(workEvent, { region: 'hook', org: 'o' }, { id: 'h1' }, { msgId: 'h1' });
    await eventually(async () => (await letters(producer)).some((l) => l.subject === 'test.v1.work.hook.o'));
    expect(told).toEqual([{ id: 'h1', reason: DeadLetterReason.MAX_DELIVERIES, deliveryCount: 2, maxDeliveries: 2 }]);
  });

  it('dead-letters a message whose last attempt never finished (its replica died), telling the hook', async () => {
    const producer = make('producer');
    const stream = await producer.declareStream(workEvent.stream);
    const jsm = await nc.jetstreamManager();
    // A replica takes the only attempt and dies without an ack or a nak.
    await jsm.consumers.add(stream, {
      durable_name: 'lost',
      ack_policy: AckPolicy.Explicit,
      filter_subject: producer.naming.subject('test.v1.work.lost.>'),
      ack_wait: nanos(1000),
      max_deliver: serverMaxDeliver(1),
      max_ack_pending: 64,
    });
    await producer.publish(workEvent, { region: 'lost', org: 'o' }, { id: 'l1' }, { msgId: 'l1' });
    const taken = await nc.jetstream().consumers.get(stream, 'lost').then((c) => c.next({ expires: 5000 }));
    expect(taken?.info.deliveryCount).toBe(1);

    const told: { id: string; deliveryCount: number }[] = [];
    let handled = 0;
    await make().consume(
      workEvent,
      { durable: 'lost', filter: { region: 'lost' }, ackWaitMs: 1000, maxDeliveries: 1, onDeadLetter: async (msg, ctx) => void told.push({ id: msg.id, deliveryCount: ctx.deliveryCount }) },
      async () => void handled++,
    );
    await eventually(async () => (await letters(producer)).some((l) => l.subject === 'test.v1.work.lost.o'));
    const letter = (await letters(producer)).find((l) => l.subject === 'test.v1.work.lost.o');
    expect(letter).toMatchObject({ reason: DeadLetterReason.MAX_DELIVERIES, deliveryCount: 2, detail: 'previous attempt did not finish' });
    expect(told).toEqual([{ id: 'l1', deliveryCount: 2 }]);
    expect(handled).toBe(0);
  });

  it('offers the message again while the dead-letter hook fails, and dead-letters it once the hook succeeds', async () => {
    let calls = 0;
    await make().consume(
      workEvent,
      {
        durable: 'hookfail',
        filter: { region: 'hookfail' },
        retryDelaysMs: [50],
        maxDeliveries: 1,
        onDeadLetter: async () => {
          calls++;
          if (calls === 1) throw new Error('database unavailable');
        },
      },
      async () => {
        throw new Error('always fails');
      },
    );
    const producer = make('producer');
    await producer.publish(workEvent, { region: 'hookfail', org: 'o' }, { id: 'f1' }, { msgId: 'f1' });
    await eventually(async () => (await letters(producer)).some((l) => l.subject === 'test.v1.work.hookfail.o'));
    const letter = (await letters(producer)).find((l) => l.subject === 'test.v1.work.hookfail.o');
    expect(calls).toBe(2);
    expect(letter).toMatchObject({ reason: DeadLetterReason.MAX_DELIVERIES, deliveryCount: 2, detail: 'previous attempt did not finish' });
  });

  /** Every dead letter published so far. */
  async function letters(producer: MessagingClient) {
    return (await readStream(nc, producer.naming.stream('DEADLETTER')).catch(() => [])).map((d) => fromBinary(DeadLetterSchema, d));
  }
});
