import { rmSync } from 'node:fs';
import { fromBinary } from '@bufbuild/protobuf';
import { DeadLetterReason, DeadLetterSchema } from '@ferry/contracts';
import { natsTestNamespace, readAuditStream, RecordingLogger, TEST_NATS_URL } from '@ferry/platform/testing';
import { ensureSandboxCa } from '@ferry/sandbox';
import { connect } from 'nats';
import { auditEvent, eventually, ForwardingRun, HEC_TOKEN, HMAC_SECRET, ORG, REGION, testCas } from './testing/forwarding.harness';
import { HecReceiver } from './testing/hec-receiver';
import { BATCH_ID_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, verifySignature } from './webhook/webhook-signature';

const DURABLE = 'audit-forward-webhook';
let cas: Awaited<ReturnType<typeof testCas>>;
let run: ForwardingRun;
let receiver: HecReceiver;

beforeAll(async () => {
  cas = await testCas(ensureSandboxCa);
});
afterAll(() => rmSync(cas.dir, { recursive: true, force: true }));
beforeEach(async () => {
  run = new ForwardingRun({ natsUrl: TEST_NATS_URL, ns: natsTestNamespace('fwd'), logger: new RecordingLogger() });
  receiver = new HecReceiver({ cert: cas.right.serverCertPem, key: cas.right.serverKeyPem });
  await receiver.start();
});
afterEach(async () => {
  await run.close();
  await receiver.stop();
  // Whatever a test did, no secret may have reached a log line.
  const logs = run.lines().join('\n');
  expect(logs).not.toContain(HMAC_SECRET);
  expect(logs).not.toContain(HEC_TOKEN);
});

const webhookEnv = (extra: Record<string, string> = {}) => ({
  FERRY_AUDIT_FORWARD_WEBHOOK_URL: receiver.url,
  FERRY_AUDIT_FORWARD_HOSTNAME: 'ferry-test',
  FERRY_OUTBOUND_ALLOW: '127.0.0.1',
  ...extra,
});
const withSecrets = (ca = cas.right.caPem) => ({ hmac: HMAC_SECRET, token: HEC_TOKEN, ca });
const ids = (n: number, from = 1) => Array.from({ length: n }, (_, i) => auditEvent(from + i).id);

/** Dead letters of the run, decoded. */
async function deadLetters(): Promise<{ reason: DeadLetterReason; detail: string; consumer: string }[]> {
  const nc = await connect({ servers: TEST_NATS_URL });
  try {
    const jsm = await nc.jetstreamManager();
    const info = await jsm.streams.info(run.stream('DEADLETTER')).catch(() => undefined);
    if (!info || info.state.messages === 0) return [];
    const out = [];
    for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq += 1) {
      const m = await jsm.streams.getMessage(run.stream('DEADLETTER'), { seq });
      const letter = fromBinary(DeadLetterSchema, m.data);
      out.push({ reason: letter.reason, detail: letter.detail, consumer: letter.consumer });
    }
    return out;
  } finally {
    await nc.close();
  }
}

describe('audit forwarding to an HTTPS webhook (Splunk HEC format)', () => {
  it('delivers published events in order, in signed batches within the count and byte limits', async () => {
    await run.start(run.settings(webhookEnv({ FERRY_AUDIT_FORWARD_BATCH_EVENTS: '7', FERRY_AUDIT_FORWARD_BATCH_BYTES: '16384', FERRY_AUDIT_FORWARD_FLUSH_MS: '200' }), withSecrets()));
    // A long detail on every other event makes the byte limit bite before the count limit does.
    const events = Array.from({ length: 40 }, (_, i) => auditEvent(i + 1, i % 2 === 0 ? { note: 'x'.repeat(4000) } : {}));
    await run.publish(events);

    await eventually(() => receiver.accepted().length >= 40, 20_000, 'all 40 events delivered');
    expect(receiver.accepted().map((e) => e.event.id)).toEqual(ids(40));
    for (const request of receiver.requests) {
      const count = request.body.toString().split('\n').length;
      expect(count).toBeLessThanOrEqual(7);
      expect(request.body.length).toBeLessThanOrEqual(16_384);
      expect(request.headers['authorization']).toBe(`Splunk ${HEC_TOKEN}`);
      expect(request.headers[BATCH_ID_HEADER]).toMatch(/^[0-9a-f-]{36}$/);
      const signed = { timestamp: request.headers[TIMESTAMP_HEADER] as string, signature: request.headers[SIGNATURE_HEADER] as string, body: request.body };
      expect(verifySignature(HMAC_SECRET, signed)).toBe(true);
      expect(verifySignature('another-secret-of-enough-length-0123456789', signed)).toBe(false);
    }
    // Cut by bytes: a batch with fewer than 7 events that a further long event would have overflowed.
    expect(receiver.requests.some((r) => r.body.toString().split('\n').length < 7 && r.body.length > 16_384 - 4700)).toBe(true);

    const first = receiver.accepted()[0]!;
    expect(first).toEqual({
      time: Date.UTC(2025, 0, 1, 0, 0, 1) / 1000,
      host: 'ferry-test',
      source: `audit.v1.events.${REGION}.${ORG}`,
      sourcetype: 'ferry:audit',
      event: {
        id: events[0]!.id,
        occurredAt: '2025-01-01T00:00:01.000Z',
        orgId: ORG,
        region: REGION,
        action: 'connector.secret.rotated',
        actor: { kind: 'account', id: 'acct-1' },
        target: { type: 'connector', id: 'conn-1' },
        outcome: 'success',
        sourceAddress: '198.51.100.7',
        userAgent: 'Mozilla/5.0 (X11; Linux x86_64)',
        traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
        detail: { pseudonym: 'ps_1', note: 'x'.repeat(4000) },
      },
    });
    await eventually(async () => (await run.consumer(DURABLE)).ackPending === 0, 5000, 'every message acked');
  }, 40_000);

  it('waits the Retry-After of a 503 before trying the same batch again, and loses or repeats nothing', async () => {
    receiver.respond = (_req, index) => (index === 0 ? { status: 503, headers: { 'retry-after': '2' }, body: '{"text":"Server is busy","code":9}' } : { status: 200 });
    await run.start(run.settings(webhookEnv({ FERRY_AUDIT_FORWARD_BATCH_EVENTS: '10' }), withSecrets()));
    await run.publish(Array.from({ length: 25 }, (_, i) => auditEvent(i + 1)));

    await eventually(() => receiver.accepted().length >= 25, 20_000, 'all 25 events delivered');
    const [refused, retried] = receiver.requests;
    expect(refused!.status).toBe(503);
    expect(retried!.headers[BATCH_ID_HEADER]).toBe(refused!.headers[BATCH_ID_HEADER]);
    expect(retried!.body.equals(refused!.body)).toBe(true);
    expect(retried!.at - refused!.at).toBeGreaterThanOrEqual(1900);
    // Nothing acked while the batch was refused, so nothing lost; accepted exactly once each here.
    expect(receiver.accepted().map((e) => e.event.id)).toEqual(ids(25));
    expect(run.lines().some((l) => l.startsWith('warn') && l.includes('HTTP 503') && l.includes('next attempt in 2000 ms'))).toBe(true);
  }, 40_000);

  it('reports a batch refused with 400 and dead-letters its events, drops refused dead-letter notices, and goes on', async () => {
    // A receiver that echoes what it got, credentials included, into its error answer.
    let refuse = true;
    receiver.respond = (req) =>
      refuse ? { status: 400, body: `{"text":"Invalid data format","code":6,"echo":"${String(req.headers['authorization'])} ${String(req.headers[SIGNATURE_HEADER])}"}` } : { status: 200 };
    await run.start(run.settings(webhookEnv({ FERRY_AUDIT_FORWARD_BATCH_EVENTS: '2', FERRY_AUDIT_FORWARD_FLUSH_MS: '50' }), withSecrets()));
    await run.publish([auditEvent(1), auditEvent(2)]);

    await eventually(async () => (await deadLetters()).length >= 2, 15_000, 'two dead letters');
    // Their dead-letter notices reach the forwarder too, are refused as well, and are dropped, not dead-lettered again.
    await eventually(() => run.lines().filter((l) => l.includes('dropped dead-letter notice')).length >= 2, 15_000, 'notices dropped');
    await new Promise((r) => setTimeout(r, 500));
    const letters = await deadLetters();
    expect(letters).toHaveLength(2);
    for (const letter of letters) {
      expect(letter.reason).toBe(DeadLetterReason.REJECTED);
      expect(letter.consumer).toBe('audit-forward-webhook');
      expect(letter.detail).toContain('HTTP 400');
      expect(letter.detail).toContain('Invalid data format');
      expect(letter.detail).not.toContain(HEC_TOKEN);
      expect(letter.detail).not.toContain(HMAC_SECRET);
    }
    const errors = run.logger.at('error').join('\n');
    expect(errors).toMatch(/webhook: batch [0-9a-f-]{36} of 2 events refused: 127\.0\.0\.1:\d+ answered HTTP 400/);
    expect(errors).toContain('[redacted]');
    const notices = (await readAuditStream(run.stream('AUDIT'))).filter((e) => e.action === 'platform.message.dead_lettered');
    expect(notices).toHaveLength(2);

    refuse = false;
    await run.publish([auditEvent(3)]);
    await eventually(() => receiver.accepted().some((e) => e.event.id === auditEvent(3).id), 10_000, 'the next event delivered');
  }, 40_000);

  it('holds events while the webhook is down and catches up, in order, once it is back', async () => {
    await run.start(run.settings(webhookEnv({ FERRY_AUDIT_FORWARD_BATCH_EVENTS: '5', FERRY_AUDIT_FORWARD_FLUSH_MS: '50' }), withSecrets()));
    await receiver.stop();
    await run.publish(Array.from({ length: 30 }, (_, i) => auditEvent(i + 1)));
    await eventually(() => run.lines().filter((l) => l.includes('ECONNREFUSED')).length >= 3, 10_000, 'three refused attempts');
    const held = await run.consumer(DURABLE);
    expect(held.ackFloor).toBe(0);
    expect(held.pending + held.ackPending).toBe(30);

    await receiver.start();
    await eventually(() => receiver.accepted().length >= 30, 20_000, 'all 30 events delivered');
    expect(receiver.accepted().map((e) => e.event.id)).toEqual(ids(30));
    await eventually(async () => (await run.consumer(DURABLE)).ackFloor === 30, 5000, 'all 30 acked');
  }, 40_000);

  it('forwards what a killed forwarder held once the configured ack wait has passed, not after the old minute', async () => {
    const env = (ackWaitMs: number) =>
      webhookEnv({ FERRY_AUDIT_FORWARD_BATCH_EVENTS: '5', FERRY_AUDIT_FORWARD_FLUSH_MS: '50', FERRY_AUDIT_FORWARD_ACK_WAIT_MS: String(ackWaitMs) });
    // The durable as an earlier version declared it: a minute's ack wait.
    await run.start(run.settings(env(60_000), withSecrets()));
    expect((await run.consumer(DURABLE)).ackWaitMs).toBe(60_000);
    await run.stopApp();
    await run.publish(Array.from({ length: 30 }, (_, i) => auditEvent(i + 1)));
    // A forwarder that took events and died before their batch was accepted.
    const doomed = await connect({ servers: TEST_NATS_URL });
    const held = await (await doomed.jetstream().consumers.get(run.stream('AUDIT'), DURABLE)).fetch({ max_messages: 10, expires: 5000 });
    let taken = 0;
    for await (const _ of held) if (++taken === 10) break;
    await doomed.close();
    expect(taken).toBe(10);
    expect((await run.consumer(DURABLE)).ackPending).toBe(10);

    // The next forwarder, configured with 5 s, updates the durable; the held events come back to it.
    await run.start(run.settings(env(5000), withSecrets()));
    expect((await run.consumer(DURABLE)).ackWaitMs).toBe(5000);
    await eventually(() => receiver.accepted().length >= 30, 30_000, 'all 30 events delivered');
    expect(receiver.accepted().map((e) => e.event.id).sort()).toEqual(ids(30));
    await eventually(async () => (await run.consumer(DURABLE)).ackFloor === 30, 5000, 'all 30 acked');
  }, 60_000);

  it('keeps events in progress while the destination makes them wait several ack waits: none is delivered twice', async () => {
    // The first batch is answered 503 with a Retry-After of two and a half ack waits.
    receiver.respond = (_req, index) => (index === 0 ? { status: 503, headers: { 'retry-after': '5' }, body: '{"text":"Server is busy","code":9}' } : { status: 200 });
    await run.start(run.settings(webhookEnv({ FERRY_AUDIT_FORWARD_BATCH_EVENTS: '5', FERRY_AUDIT_FORWARD_FLUSH_MS: '50', FERRY_AUDIT_FORWARD_ACK_WAIT_MS: '2000' }), withSecrets()));
    // More events than the forwarder handles at once (two batches): the rest must wait on the server, not in its buffer.
    await run.publish(Array.from({ length: 40 }, (_, i) => auditEvent(i + 1)));

    await eventually(() => receiver.accepted().length >= 40, 30_000, 'all 40 events delivered');
    await eventually(async () => (await run.consumer(DURABLE)).ackFloor === 40, 5000, 'all 40 acked');
    expect(receiver.requests[1]!.at - receiver.requests[0]!.at).toBeGreaterThanOrEqual(4900);
    expect(receiver.accepted().map((e) => e.event.id)).toEqual(ids(40));
    // Every delivery the server made was a first one (a redelivery would count on top of the 40).
    expect((await run.consumer(DURABLE)).deliveries).toBe(40);
  }, 40_000);

  it('refuses a webhook whose certificate the configured CA did not sign, and delivers nothing', async () => {
    await run.start(run.settings(webhookEnv(), withSecrets(cas.wrong.caPem)));
    await run.publish([auditEvent(1)]);
    await eventually(() => run.lines().some((l) => l.includes('could not be reached')), 10_000, 'a refused handshake');
    expect(run.lines().join('\n')).toMatch(/could not be reached \((UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY|SELF_SIGNED_CERT_IN_CHAIN)\)/);
    expect(receiver.requests).toHaveLength(0);
    expect((await run.consumer(DURABLE)).ackFloor).toBe(0);
  }, 30_000);

  it('shuts down within seconds while NATS is unreachable', async () => {
    await run.start(run.settings(webhookEnv(), withSecrets()), { natsUrl: 'nats://127.0.0.1:1', waitForConsumers: false });
    await new Promise((r) => setTimeout(r, 300));
    const started = Date.now();
    await run.stopApp();
    expect(Date.now() - started).toBeLessThan(5000);
    expect(receiver.requests).toHaveLength(0);
  }, 20_000);
});
