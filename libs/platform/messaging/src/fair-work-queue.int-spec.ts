import { natsTestNamespace, TEST_NATS_URL } from '@ferry/platform/testing';
import type { MessagingClient } from './messaging.client';
import { client, eventually, memoryLogger, workEvent } from './testing/fixtures';

const LIMITS = { maxDeliveries: 3, ackWaitMs: 5000, maxAckPending: 64 };

describe('fair work queues', () => {
  const ns = natsTestNamespace('fair');
  const clients: MessagingClient[] = [];
  const make = (service = 'worker') => {
    const c = client(TEST_NATS_URL, ns.prefix, service, memoryLogger());
    clients.push(c);
    return c;
  };

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await ns.cleanup();
  });

  async function publish(c: MessagingClient, region: string, org: string, count: number): Promise<void> {
    for (let i = 0; i < count; i++) {
      await c.publish(workEvent, { region, org }, { id: `${org}-${i}`, orgId: org, name: `${i}` }, { msgId: `${org}-${i}` });
    }
  }

  it('serves a small tenant queued behind a large one in turn, not after it', async () => {
    const producer = make('producer');
    for (const org of ['big', 'small']) {
      await producer.declareLane(workEvent, { prefix: 'turns', key: org, filter: { region: 'weu', org } }, LIMITS);
    }
    await publish(producer, 'weu', 'big', 120);
    await publish(producer, 'weu', 'small', 10);
    const order: string[] = [];
    const worker = make();
    await worker.consumeFair(workEvent, { lanePrefix: 'turns', concurrency: 2, refreshLanesMs: 100, ...LIMITS }, async (msg) => {
      order.push(msg.orgId);
      await new Promise((r) => setTimeout(r, 2));
    });
    await eventually(() => order.length === 130, 20_000);
    const lastSmall = order.lastIndexOf('small');
    // Taking turns, the small tenant is done within its first few rounds; first-come-first-served
    // would have finished it after all 120 of the big one.
    expect(lastSmall).toBeLessThan(60);
    expect(order.filter((o) => o === 'small')).toHaveLength(10);
  }, 30_000);

  it('serves priority lanes before the work queued ahead of them', async () => {
    const producer = make('producer');
    await producer.declareLane(workEvent, { prefix: 'bulk', key: 'p', filter: { region: 'afr', org: 'bulk' } }, LIMITS);
    await producer.declareLane(workEvent, { prefix: 'urgent', key: 'p', filter: { region: 'afr', org: 'urgent' } }, LIMITS);
    await publish(producer, 'afr', 'bulk', 12);
    await publish(producer, 'afr', 'urgent', 1);
    const order: string[] = [];
    const worker = make();
    await worker.consumeFair(workEvent, { lanePrefix: 'bulk', priorityLanePrefix: 'urgent', concurrency: 1, refreshLanesMs: 100, ...LIMITS }, async (msg) => {
      order.push(msg.orgId);
      await new Promise((r) => setTimeout(r, 20));
    });
    await eventually(() => order.length === 13, 20_000);
    expect(order.indexOf('urgent')).toBeLessThanOrEqual(1);
  });

  it('holds a group at its cap while other groups wait, without spending a delivery', async () => {
    const producer = make('producer');
    await producer.declareLane(workEvent, { prefix: 'groups', key: 'g', filter: { region: 'mea', org: 'groups' } }, LIMITS);
    // Group a's six messages are queued ahead of group b's two.
    for (const [i, name] of ['a', 'a', 'a', 'a', 'a', 'a', 'b', 'b'].entries()) {
      await producer.publish(workEvent, { region: 'mea', org: 'groups' }, { id: `g-${i}`, orgId: 'groups', name }, { msgId: `g-${i}` });
    }
    const running = new Map<string, number>();
    const order: string[] = [];
    const deliveries: number[] = [];
    let aWhileBWaits = 0;
    const worker = make();
    await worker.consumeFair(
      workEvent,
      { lanePrefix: 'groups', concurrency: 2, maxPerGroup: 1, groupOf: (m) => m.name, refreshLanesMs: 100, ...LIMITS, ackWaitMs: 1000 },
      async (msg, ctx) => {
        order.push(msg.name);
        deliveries.push(ctx.deliveryCount);
        running.set(msg.name, (running.get(msg.name) ?? 0) + 1);
        if (order.filter((n) => n === 'b').length < 2) aWhileBWaits = Math.max(aWhileBWaits, running.get('a') ?? 0);
        // Longer than the ack wait: a held message must be kept in progress, not redelivered.
        await new Promise((r) => setTimeout(r, 1200));
        running.set(msg.name, (running.get(msg.name) ?? 1) - 1);
      },
    );
    await eventually(() => order.length === 8, 30_000);
    expect(aWhileBWaits).toBe(1);
    // b's messages ran beside a's first ones, not after all six.
    expect(order.lastIndexOf('b')).toBeLessThan(4);
    expect(deliveries.every((d) => d === 1)).toBe(true);
  }, 40_000);

  it('leaves an inactive lane alone until it is active again, and reports its backlog', async () => {
    const producer = make('producer');
    await producer.declareLane(workEvent, { prefix: 'gate', key: 'paused', filter: { region: 'eus', org: 'paused' } }, LIMITS);
    await publish(producer, 'eus', 'paused', 5);
    let active = false;
    const seen: string[] = [];
    const worker = make();
    await worker.consumeFair(workEvent, { lanePrefix: 'gate', concurrency: 2, refreshLanesMs: 100, laneActive: () => active, ...LIMITS }, async (msg) => {
      seen.push(msg.name);
    });
    await new Promise((r) => setTimeout(r, 700));
    expect(seen).toHaveLength(0);
    expect((await producer.laneBacklog(workEvent, 'gate')).get('paused')).toMatchObject({ pending: 5 });
    active = true;
    await eventually(() => seen.length === 5);
  });

  it('purges a lane\'s queued messages and deletes the lane', async () => {
    const producer = make('producer');
    await producer.declareLane(workEvent, { prefix: 'purge', key: 'gone', filter: { region: 'neu', org: 'gone' } }, LIMITS);
    await publish(producer, 'neu', 'gone', 4);
    expect(await producer.purge(workEvent, { region: 'neu', org: 'gone' })).toBe(4);
    await producer.deleteLane(workEvent, { prefix: 'purge', key: 'gone' });
    await producer.deleteLane(workEvent, { prefix: 'purge', key: 'gone' }); // absent is fine
    expect((await producer.laneBacklog(workEvent, 'purge')).has('gone')).toBe(false);
  });

  it('retries a failing message on the same lane and tells the handler which delivery is the last', async () => {
    const producer = make('producer');
    await producer.declareLane(workEvent, { prefix: 'retry', key: 'flaky', filter: { region: 'sea', org: 'flaky' } }, LIMITS);
    await publish(producer, 'sea', 'flaky', 1);
    const deliveries: [number, number][] = [];
    const worker = make();
    await worker.consumeFair(workEvent, { lanePrefix: 'retry', concurrency: 1, refreshLanesMs: 100, retryDelaysMs: [50], ...LIMITS }, async (_msg, ctx) => {
      deliveries.push([ctx.deliveryCount, ctx.maxDeliveries]);
      if (ctx.deliveryCount < ctx.maxDeliveries) throw new Error('not yet');
    });
    await eventually(() => deliveries.length === 3);
    expect(deliveries).toEqual([[1, 3], [2, 3], [3, 3]]);
  });
});
