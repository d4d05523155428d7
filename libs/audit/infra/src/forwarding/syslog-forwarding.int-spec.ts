import { rmSync } from 'node:fs';
import { natsTestNamespace, RecordingLogger, TEST_NATS_URL } from '@ferry/platform/testing';
import { ensureSandboxCa } from '@ferry/sandbox';
import { auditEvent, eventually, ForwardingRun, ORG, REGION, testCas } from './testing/forwarding.harness';
import { parseRfc5424 } from './testing/rfc5424.parser';
import { SyslogTlsReceiver } from './testing/syslog-receiver';

const DURABLE = 'audit-forward-syslog';
let cas: Awaited<ReturnType<typeof testCas>>;
let run: ForwardingRun;
let receiver: SyslogTlsReceiver;

beforeAll(async () => {
  cas = await testCas(ensureSandboxCa);
});
afterAll(() => rmSync(cas.dir, { recursive: true, force: true }));
beforeEach(async () => {
  run = new ForwardingRun({ natsUrl: TEST_NATS_URL, ns: natsTestNamespace('fwd'), logger: new RecordingLogger() });
  receiver = new SyslogTlsReceiver({ cert: cas.right.serverCertPem, key: cas.right.serverKeyPem });
  await receiver.start();
});
afterEach(async () => {
  await run.close();
  await receiver.stop();
});

const syslogEnv = (extra: Record<string, string> = {}) => ({
  FERRY_AUDIT_FORWARD_SYSLOG_HOST: receiver.address.host,
  FERRY_AUDIT_FORWARD_SYSLOG_PORT: String(receiver.address.port),
  FERRY_AUDIT_FORWARD_SYSLOG_FACILITY: 'local4',
  FERRY_AUDIT_FORWARD_SYSLOG_APP_NAME: 'ferry-audit-test',
  FERRY_AUDIT_FORWARD_HOSTNAME: 'ferry-test',
  FERRY_AUDIT_FORWARD_FLUSH_MS: '50',
  FERRY_OUTBOUND_ALLOW: '127.0.0.1',
  ...extra,
});
const ids = (n: number) => Array.from({ length: n }, (_, i) => auditEvent(i + 1).id);
const idsOf = (messages: string[]) => messages.map((m) => parseRfc5424(m).structuredData['ferry@32473']?.['id']);

describe('audit forwarding as RFC 5424 syslog over TLS', () => {
  it('sends octet-counted RFC 5424 messages, in order, with the fields as escaped SD-PARAMs', async () => {
    await run.start(run.settings(syslogEnv({ FERRY_AUDIT_FORWARD_BATCH_EVENTS: '4' }), { ca: cas.right.caPem }));
    const awkward = { reason: 'quote " bracket ] backslash \\ end', place: 'Zürich ✓', 'not a name': 'kept in MSG' };
    const events = Array.from({ length: 10 }, (_, i) => auditEvent(i + 1, i === 0 ? awkward : {}));
    await run.publish(events);

    await eventually(() => receiver.messages.length >= 10, 15_000, 'ten messages');
    expect(receiver.framingErrors).toEqual([]);
    expect(idsOf(receiver.messages)).toEqual(ids(10));
    const first = parseRfc5424(receiver.messages[0]!);
    expect(first).toMatchObject({ pri: 20 * 8 + 6, version: 1, timestamp: '2025-01-01T00:00:01.000Z', hostname: 'ferry-test', appName: 'ferry-audit-test', procId: '-', msgId: 'connector.secret.rotated' });
    expect(first.structuredData['ferry@32473']).toEqual({
      id: events[0]!.id,
      orgId: ORG,
      region: REGION,
      action: 'connector.secret.rotated',
      actorKind: 'account',
      actorId: 'acct-1',
      targetType: 'connector',
      targetId: 'conn-1',
      outcome: 'success',
      sourceAddress: '198.51.100.7',
      userAgent: 'Mozilla/5.0 (X11; Linux x86_64)',
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      'detail.place': 'Zürich ✓',
      'detail.pseudonym': 'ps_1',
      'detail.reason': 'quote " bracket ] backslash \\ end',
    });
    // The raw text carries the escapes the grammar requires.
    expect(receiver.messages[0]).toContain('detail.reason="quote \\" bracket \\] backslash \\\\ end"');
    expect(JSON.parse(first.msg)).toMatchObject({ id: events[0]!.id, detail: awkward });
    await eventually(async () => (await run.consumer(DURABLE)).ackFloor === 10, 5000, 'all ten acked');
  }, 30_000);

  it('reconnects with backoff while the receiver is down and catches up, in order, once it is back', async () => {
    await run.start(run.settings(syslogEnv({ FERRY_AUDIT_FORWARD_BATCH_EVENTS: '5' }), { ca: cas.right.caPem }));
    await run.publish([auditEvent(1)]);
    await eventually(() => receiver.messages.length === 1, 10_000, 'first message');
    await receiver.stop();
    await run.publish(Array.from({ length: 19 }, (_, i) => auditEvent(i + 2)));
    await eventually(() => run.lines().filter((l) => l.includes('ECONNREFUSED')).length >= 3, 10_000, 'three refused connections');
    const held = await run.consumer(DURABLE);
    // A write into a connection the receiver had just closed can be lost (syslog has no acknowledgement),
    // but every batch whose connection was refused is still held.
    expect(held.ackFloor).toBeLessThan(20);
    await receiver.start();
    await eventually(async () => (await run.consumer(DURABLE)).ackFloor === 20, 20_000, 'all 20 acked');
    const after = idsOf(receiver.messages);
    const expected = ids(20).slice(held.ackFloor);
    expect(after.slice(-expected.length)).toEqual(expected);
  }, 40_000);

  it('refuses a receiver whose certificate the configured CA did not sign, and sends nothing', async () => {
    await run.start(run.settings(syslogEnv(), { ca: cas.wrong.caPem }));
    await run.publish([auditEvent(1)]);
    await eventually(() => receiver.handshakeFailures.length >= 1, 10_000, 'a failed handshake');
    expect(run.lines().join('\n')).toMatch(/could not be reached \((UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY|SELF_SIGNED_CERT_IN_CHAIN)\)/);
    expect(receiver.messages).toEqual([]);
    expect((await run.consumer(DURABLE)).ackFloor).toBe(0);
  }, 30_000);
});
