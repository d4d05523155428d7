import { toBinary } from '@bufbuild/protobuf';
import { auditEventFixture, EphemeralChainSigner } from '@ferry/audit/application';
import { AuditEventSchema } from '@ferry/contracts';
import { natsTestNamespace, TEST_NATS_URL, createTestDatabase, type TestDatabase } from '@ferry/platform/testing';
import { AckPolicy, connect, headers, type NatsConnection } from 'nats';
import { type AuditChainHarness, startAuditChainHarness, until } from '../testing/audit-chain.fixture';
import { AUDIT_STORE_CONSUMER } from './audit-events.consumer';

const ORG = '3d7f4c3e-3d2a-4c1b-9f8e-7a6b5c4d3e2f';
/** The organisation of the redelivery scenarios (counted apart from ORG's). */
const LATER_ORG = '5b0e8a4c-6f1d-4e2a-9c3b-8d7e6f5a4b3c';

describe('the audit consumer', () => {
  const ns = natsTestNamespace('auditconsume');
  const signer = new EphemeralChainSigner();
  let database: TestDatabase;
  let nc: NatsConnection;
  const harnesses: AuditChainHarness[] = [];
  const stream = `${ns.prefix.toUpperCase()}_AUDIT`;
  const start = async (consumerAckWaitMs?: number) => {
    const h = await startAuditChainHarness({
      databaseUrl: database.url,
      natsUrl: TEST_NATS_URL,
      prefix: ns.prefix,
      signer,
      consumerConcurrency: 64,
      ...(consumerAckWaitMs ? { consumerAckWaitMs } : {}),
      chain: { checkpointEvery: 50 },
    });
    harnesses.push(h);
    return h;
  };
  /** Publishes raw event bytes straight to the stream under `msgId`, as a publisher would. */
  const publish = async (n: number, msgId: string, org = ORG) => {
    const { event } = auditEventFixture(n, org);
    const hdrs = headers();
    hdrs.set('Nats-Msg-Id', msgId);
    await nc.jetstream().publish(`${ns.prefix}.audit.v1.events.test.${org}`, toBinary(AuditEventSchema, event), { headers: hdrs });
  };
  // Event ids follow the fixture's number: LATER_ORG's start above ORG's.
  let laterPublished = 100_000;
  /** Publishes `n` new events of LATER_ORG. */
  const publishLater = async (n: number) => {
    const first = laterPublished + 1;
    laterPublished += n;
    await Promise.all(Array.from({ length: n }, (_, i) => publish(first + i, `later-${first + i}`, LATER_ORG)));
  };
  const count = async (h: AuditChainHarness, org = ORG) => Number((await h.db.query<{ n: string }[]>('SELECT count(*) AS n FROM audit.events WHERE org_id = $1', [org]))[0]!.n);
  const consumerState = async () => (await nc.jetstreamManager()).consumers.info(stream, AUDIT_STORE_CONSUMER);

  beforeAll(async () => {
    database = await createTestDatabase('audit_consume');
    nc = await connect({ servers: TEST_NATS_URL });
  });
  afterAll(async () => {
    await harnesses.at(-1)?.dropWitness();
    for (const h of harnesses) await h.close().catch(() => undefined);
    await nc.close();
    await database.drop();
    await ns.cleanup();
  });

  it('appends every published event once, acks them all, and the chain verifies', async () => {
    const h = await start();
    await h.consumer.start();
    await Promise.all(Array.from({ length: 300 }, (_, i) => publish(i + 1, `m-${i + 1}`)));
    await until(async () => (await count(h)) === 300);
    await until(async () => {
      const info = await consumerState();
      return info.num_pending === 0 && info.num_ack_pending === 0;
    });
    await h.checkpointer.witnessed();
    const v = await h.verify.execute(ORG);
    expect(v).toMatchObject({ records: 300, lastSequence: 300n, witness: 'consulted' });
    expect(v.violation).toBeUndefined();
    expect((await h.witness.head(ORG))?.sequence).toBe(300n);
  });

  it('does not duplicate an event delivered again (published twice under different message ids)', async () => {
    const h = harnesses[0]!;
    await Promise.all(Array.from({ length: 20 }, (_, i) => publish(i + 1, `again-${i + 1}`)));
    await publish(301, 'm-301');
    await until(async () => (await count(h)) === 301);
    await until(async () => (await consumerState()).num_ack_pending === 0);
    expect(await count(h)).toBe(301);
    expect((await h.verify.execute(ORG)).violation).toBeUndefined();
  });

  it('catches up after the service was down: events published meanwhile are appended once by the next process', async () => {
    await harnesses[0]!.close();
    for (let i = 302; i <= 400; i += 1) await publish(i, `m-${i}`);
    const h = await start();
    await h.consumer.start();
    await until(async () => (await count(h)) === 400);
    await until(async () => (await consumerState()).num_ack_pending === 0);
    const v = await h.verify.execute(ORG);
    expect(v).toMatchObject({ records: 400, lastSequence: 400n });
    expect(v.violation).toBeUndefined();
  });

  it('appends the events a killed replica held unacked once the configured ack wait has passed, not after the old minute', async () => {
    for (const h of harnesses) await h.close().catch(() => undefined);
    // The durable as an earlier version declared it: a minute's ack wait.
    await (await start(60_000)).consumer.start();
    expect((await consumerState()).config.ack_wait).toBe(60_000 * 1e6);
    await harnesses.at(-1)!.close();
    await publishLater(200);
    // A replica that took events and died before acking them.
    const doomed = await connect({ servers: TEST_NATS_URL });
    const held = await (await doomed.jetstream().consumers.get(stream, AUDIT_STORE_CONSUMER)).fetch({ max_messages: 50, expires: 5000 });
    let taken = 0;
    for await (const _ of held) if (++taken === 50) break;
    await doomed.close();
    expect(taken).toBe(50);
    expect((await consumerState()).num_ack_pending).toBe(50);

    // The next replica, configured with 5 s, updates the durable; the held events come back to it.
    const h = await start(5000);
    await h.consumer.start();
    expect((await consumerState()).config).toMatchObject({ ack_wait: 5000 * 1e6, ack_policy: AckPolicy.Explicit });
    await until(async () => (await count(h, LATER_ORG)) === 200, 30_000);
    await until(async () => (await consumerState()).num_ack_pending === 0);
    const v = await h.verify.execute(LATER_ORG);
    expect(v).toMatchObject({ records: 200, lastSequence: 200n });
    expect(v.violation).toBeUndefined();
  }, 60_000);

  it('keeps events in progress while their batch waits on a slow database: none is delivered twice', async () => {
    for (const h of harnesses) await h.close().catch(() => undefined);
    const h = await start(2000);
    await h.consumer.start();
    const before = (await consumerState()).delivered.consumer_seq;
    // The database stalls: another session holds the chain heads for several ack waits.
    const blocker = h.db.createQueryRunner();
    await blocker.connect();
    await blocker.startTransaction();
    await blocker.query('LOCK TABLE audit.chain_heads IN EXCLUSIVE MODE');
    try {
      await publishLater(500);
      // The replica holds what it may (its handlers, and anything buffered beyond them) ...
      await until(async () => (await consumerState()).num_ack_pending >= 64);
      // ... for three and a half ack waits.
      await new Promise((r) => setTimeout(r, 7000));
      expect(await count(h, LATER_ORG)).toBe(200);
    } finally {
      await blocker.commitTransaction();
      await blocker.release();
    }
    await until(async () => (await count(h, LATER_ORG)) === 700, 30_000);
    await until(async () => (await consumerState()).num_ack_pending === 0);
    // Every delivery the server made was a first one (a redelivery would count on top of the 500).
    const info = await consumerState();
    expect(info.delivered.consumer_seq - before).toBe(500);
    expect(info.num_redelivered).toBe(0);
    expect((await h.verify.execute(LATER_ORG)).violation).toBeUndefined();
  }, 60_000);
});
