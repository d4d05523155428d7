import { ActorKind, Outcome } from '@ferry/contracts';
import type { AuditEventDraft } from '@ferry/platform/messaging';
import { BoundedAuditPublisher } from './bounded-audit.publisher';

const SECRET = 'planted-secret-7d1f';
const draft = (n: number): AuditEventDraft => ({
  orgId: 'org',
  actor: { kind: ActorKind.ACCOUNT, id: `acct-${SECRET}` },
  action: 'api.call',
  target: { type: 'route', id: `GET /n/${n}` },
  outcome: Outcome.SUCCESS,
  sourceAddress: '203.0.113.9',
  userAgent: SECRET,
});

/** A publish that holds every event until released, as a stalled NATS would. */
function stalledStream() {
  const pending: { draft: AuditEventDraft; resolve: () => void; reject: (e: Error) => void }[] = [];
  const publish = (d: AuditEventDraft) => new Promise<void>((resolve, reject) => pending.push({ draft: d, resolve, reject }));
  return { pending, publish };
}

const settle = () => new Promise((r) => setImmediate(r));

function publisherOver(publish: (d: AuditEventDraft) => Promise<void>, options: { maxInFlight?: number; clock?: { t: number } } = {}) {
  const lines: string[] = [];
  const clock = options.clock ?? { t: 0 };
  const publisher = new BoundedAuditPublisher(publish, {
    maxInFlight: options.maxInFlight ?? 3,
    reportEveryMs: 60_000,
    logger: { warn: (m) => lines.push(m) },
    now: () => clock.t,
  });
  return { publisher, lines, clock };
}

describe('publishing best-effort audit events within a bound', () => {
  afterEach(() => jest.useRealTimers());

  it('returns at once while the stream holds every event, and keeps at most maxInFlight under way, dropping and counting the rest', () => {
    const stream = stalledStream();
    const { publisher } = publisherOver(stream.publish, { maxInFlight: 3 });
    const taken = Array.from({ length: 10 }, (_, i) => publisher.offer(draft(i)));
    expect(taken).toEqual([true, true, true, false, false, false, false, false, false, false]);
    expect(stream.pending).toHaveLength(3);
    expect(publisher.stats()).toEqual({ inFlight: 3, published: 0, droppedFull: 7, droppedFailed: 0 });
  });

  it('takes events again once the stream acknowledges', async () => {
    const stream = stalledStream();
    const { publisher } = publisherOver(stream.publish, { maxInFlight: 2 });
    publisher.offer(draft(1));
    publisher.offer(draft(2));
    expect(publisher.offer(draft(3))).toBe(false);
    stream.pending[0]?.resolve();
    await settle();
    expect(publisher.offer(draft(4))).toBe(true);
    expect(stream.pending.map((p) => p.draft.target.id)).toEqual(['GET /n/1', 'GET /n/2', 'GET /n/4']);
    expect(publisher.stats()).toMatchObject({ inFlight: 2, published: 1, droppedFull: 1 });
  });

  it('counts an event the stream refuses, or a publish that throws, as dropped, and never throws to the caller', async () => {
    const { publisher } = publisherOver(async () => {
      throw Object.assign(new Error(`stream refused ${SECRET}`), { name: 'NatsError', code: '503' });
    });
    expect(publisher.offer(draft(1))).toBe(true);
    const throwing = publisherOver(() => {
      throw new Error('synchronous failure');
    });
    expect(() => throwing.publisher.offer(draft(2))).not.toThrow();
    await settle();
    expect(publisher.stats()).toEqual({ inFlight: 0, published: 0, droppedFull: 0, droppedFailed: 1 });
    expect(throwing.publisher.stats()).toMatchObject({ inFlight: 0, droppedFailed: 1 });
  });

  it('reports drops at most once a period, summed, with the error class and never an event or error message', async () => {
    jest.useFakeTimers();
    let fail = true;
    const stream = stalledStream();
    const { publisher, lines, clock } = publisherOver(
      (d) => (fail ? Promise.reject(Object.assign(new Error(`refused ${SECRET}`), { name: 'NatsError', code: '503' })) : stream.publish(d)),
      { maxInFlight: 1 },
    );
    publisher.offer(draft(1));
    await Promise.resolve();
    await Promise.resolve();
    await Promise.resolve();
    expect(lines).toEqual(['dropped 1 audit event(s): 1 refused by the stream (last: NatsError 503); 1 dropped since start']);

    fail = false;
    clock.t = 1_000;
    publisher.offer(draft(2));
    for (let i = 3; i < 8; i += 1) publisher.offer(draft(i));
    expect(lines).toHaveLength(1);
    clock.t = 60_000;
    jest.advanceTimersByTime(59_000);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toBe('dropped 5 audit event(s): 5 with 1 already in flight; 6 dropped since start');
    for (const line of lines) expect(line).not.toContain(SECRET);
  });

  it('waits for events in flight at shutdown, within a bound', async () => {
    const stream = stalledStream();
    const { publisher } = publisherOver(stream.publish);
    publisher.offer(draft(1));
    let drained = false;
    const draining = publisher.drain(60_000).then(() => (drained = true));
    await settle();
    expect(drained).toBe(false);
    stream.pending[0]?.resolve();
    await draining;
    expect(publisher.stats()).toMatchObject({ inFlight: 0, published: 1 });

    const stuck = publisherOver(stalledStream().publish);
    stuck.publisher.offer(draft(2));
    await stuck.publisher.drain(10);
    expect(stuck.publisher.stats().inFlight).toBe(1);
  });

  it('refuses a bound that is not a positive integer', () => {
    for (const maxInFlight of [0, -1, 1.5, Number.NaN]) expect(() => publisherOver(async () => undefined, { maxInFlight })).toThrow(/maxInFlight/);
  });
});
