import { toBinary } from '@bufbuild/protobuf';
import { auditEventFixture, EphemeralChainSigner } from '@ferry/audit/application';
import { AuditEventSchema } from '@ferry/contracts';
import { natsTestNamespace, TEST_NATS_URL, createTestDatabase, type TestDatabase } from '@ferry/platform/testing';
import { connect, headers, type NatsConnection } from 'nats';
import { type AuditChainHarness, startAuditChainHarness, until } from '../testing/audit-chain.fixture';
import { AUDIT_STORE_CONSUMER } from './audit-events.consumer';

const ORG = '3d7f4c3e-3d2a-4c1b-9f8e-7a6b5c4d3e2f';

describe('the audit consumer', () => {
  const ns = natsTestNamespace('auditconsume');
  const signer = new EphemeralChainSigner();
  let database: TestDatabase;
  let nc: NatsConnection;
  const harnesses: AuditChainHarness[] = [];
  const start = async () => {
    const h = await startAuditChainHarness({ databaseUrl: database.url, natsUrl: TEST_NATS_URL, prefix: ns.prefix, signer, consumerConcurrency: 64, chain: { checkpointEvery: 50 } });
    harnesses.push(h);
    return h;
  };
  /** Publishes raw event bytes straight to the stream under `msgId`, as a publisher would. */
  const publish = async (n: number, msgId: string) => {
    const { event } = auditEventFixture(n, ORG);
    const hdrs = headers();
    hdrs.set('Nats-Msg-Id', msgId);
    await nc.jetstream().publish(`${ns.prefix}.audit.v1.events.test.${ORG}`, toBinary(AuditEventSchema, event), { headers: hdrs });
  };
  const count = async (h: AuditChainHarness) => Number((await h.db.query<{ n: string }[]>('SELECT count(*) AS n FROM audit.events WHERE org_id = $1', [ORG]))[0]!.n);
  const consumerState = async () => (await nc.jetstreamManager()).consumers.info(`${ns.prefix.toUpperCase()}_AUDIT`, AUDIT_STORE_CONSUMER);

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
});
