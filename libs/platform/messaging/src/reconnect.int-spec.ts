import { startPrivateNatsServer, type PrivateNatsServer } from '@ferry/platform/testing';
import type { MessagingClient } from './messaging.client';
import { client, eventually, memoryLogger, workEvent } from './testing/fixtures';

describe('NATS outages', () => {
  let server: PrivateNatsServer;
  const clients: MessagingClient[] = [];

  beforeAll(async () => {
    server = await startPrivateNatsServer();
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await server.dispose();
  });

  it('reports not ready and logs what it waits for while NATS is down at start, then connects', async () => {
    await server.kill();
    const logger = memoryLogger();
    const c = client(server.url, 'down', 'svc', logger);
    clients.push(c);
    const connected = c.ready();
    await eventually(() => logger.lines.some((l) => l.includes(`waiting for NATS at 127.0.0.1:${server.port}`)));
    expect(await c.probe.check()).toEqual({ up: false, detail: 'connecting' });
    await server.restart();
    await connected;
    await eventually(async () => (await c.probe.check()).up);
  });

  it('reconnects after the server is killed mid-run and loses no JetStream message', async () => {
    const seen = new Set<string>();
    const logger = memoryLogger();
    const worker = client(server.url, 'outage', 'worker', logger);
    const producer = client(server.url, 'outage', 'producer');
    clients.push(worker, producer);
    await worker.consume(workEvent, { durable: 'survivor', concurrency: 4 }, async (msg) => {
      seen.add(msg.id);
    });
    for (let i = 0; i < 50; i += 1) {
      await producer.publish(workEvent, { region: 'x', org: 'o' }, { id: `a${i}` }, { msgId: `a${i}` });
    }
    await eventually(() => seen.size === 50);

    await server.kill();
    await eventually(() => !worker.isConnected());
    expect((await worker.probe.check()).up).toBe(false);
    await server.restart();
    await eventually(() => worker.isConnected() && producer.isConnected(), 20_000);

    for (let i = 0; i < 50; i += 1) {
      await producer.publish(workEvent, { region: 'x', org: 'o' }, { id: `b${i}` }, { msgId: `b${i}` });
    }
    await eventually(() => seen.size === 100, 30_000);
    expect(logger.lines.some((l) => l.includes('reconnected to NATS'))).toBe(true);
  }, 60_000);
});
