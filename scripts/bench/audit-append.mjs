#!/usr/bin/env node
// Audit trail throughput (issue 8): the sustained append rate with chain hashing through the real
// consumer path, and verification speed.
//   append: N audit events (K organisations) are published to a private AUDIT stream first; then the
//     audit consumer (durable pull consumer -> group-commit batcher -> one PostgreSQL transaction per
//     batch with SHA-256 chaining, signed heads witnessed in NATS KV, checkpoints every 1,000 records)
//     is started and timed until every event is appended and acked. Events/s = N / that time.
//   verify: every organisation's chain is then verified from the database (hashes, links, columns
//     against payloads, checkpoint signatures, witnessed head); records/s = records / time. Then one
//     organisation's chain of V records (appended straight through the store) is verified alone: the
//     walk's own speed, without the per-chain fixed cost (a few queries and the witness lookup).
// Runs on this machine's PostgreSQL and NATS (as the integration tests do), each run in its own
// database and NATS prefix, removed afterwards. Target: >= 5,000 events/s.
// usage: node scripts/bench/audit-append.mjs [--events 50000] [--orgs 20] [--runs 3] [--concurrency 1024] [--batch 500]
//          [--verify-records 100000]
//        (after node scripts/build.mjs)
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { median, writeResult } from './results.mjs';

const ROOT = resolve(import.meta.dirname, '..', '..');
const dist = (...p) => join(ROOT, 'dist', 'libs', ...p);
if (!existsSync(dist('audit', 'infra', 'src', 'testing', 'audit-chain.fixture.js'))) {
  console.error('the audit libraries are not built: run `node scripts/build.mjs` first');
  process.exit(1);
}
const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '50000' },
    orgs: { type: 'string', default: '20' },
    runs: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '1024' },
    batch: { type: 'string', default: '500' },
    'verify-records': { type: 'string', default: '100000' },
  },
});
const EVENTS = Number(values.events);
const ORGS = Number(values.orgs);
const RUNS = Number(values.runs);
const CONCURRENCY = Number(values.concurrency);
const BATCH = Number(values.batch);
const VERIFY_RECORDS = Number(values['verify-records']);

const require = createRequire(import.meta.url);
require('reflect-metadata');
const { create, toBinary } = require('@bufbuild/protobuf');
const { timestampFromDate } = require('@bufbuild/protobuf/wkt');
const { headers } = require('nats');
const { ActorKind, AuditEventSchema, Outcome, Streams } = require(dist('contracts', 'src', 'index.js'));
const { startAuditChainHarness } = require(dist('audit', 'infra', 'src', 'testing', 'audit-chain.fixture.js'));
const { AUDIT_STORE_CONSUMER } = require(dist('audit', 'infra', 'src', 'index.js'));
const { summarizeAuditEvent } = require(dist('audit', 'application', 'src', 'index.js'));
const { createTestDatabase, natsTestNamespace, TEST_NATS_URL } = require(dist('platform', 'testing', 'src', 'index.js'));

const orgId = (k) => `${String(k).padStart(8, '0')}-b3c4-4d5e-8f60-${String(k).padStart(12, '0')}`;
const eventId = (run, n) => `${String(run).padStart(8, '0')}-0000-4000-8000-${String(n).padStart(12, '0')}`;
const round = (x, d = 0) => Number(x.toFixed(d));
const TICKS_PER_SECOND = 100; // Linux USER_HZ

/** CPU milliseconds (user + system) a process has used, from /proc; 0 where there is no /proc. */
function processCpuMs(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** CPU used so far by the PostgreSQL backends serving the run's database (this machine's server). */
async function databaseCpuMs(db) {
  const rows = await db.query('SELECT pid FROM pg_stat_activity WHERE datname = current_database()');
  return new Map(rows.map((r) => [r.pid, processCpuMs(r.pid)]));
}

/** N events as published: a typical record (actor, target, outcome, trace id, a two-entry detail map). */
function events(run, count = EVENTS, orgOf = (i) => orgId((i % ORGS) + 1), offset = 0) {
  const now = new Date();
  return Array.from({ length: count }, (_, i) => {
    const org = orgOf(i);
    const event = create(AuditEventSchema, {
      id: eventId(run, offset + i + 1),
      occurredAt: timestampFromDate(now),
      orgId: org,
      actor: { kind: ActorKind.ACCOUNT, id: '7a0c2b1e-0000-4000-8000-000000000001' },
      action: i % 3 ? 'connector.updated' : 'auth.signin.succeeded',
      target: { type: 'connector', id: `3c9e8f7a-6b5d-4c3e-9f1a-${String(i).padStart(12, '0')}` },
      outcome: Outcome.SUCCESS,
      sourceAddress: '203.0.113.7',
      userAgent: 'Mozilla/5.0 (bench)',
      traceId: 'a'.repeat(32),
      detail: { field: 'name', attempt: String(i % 5) },
    });
    return { org, id: event.id, event, bytes: toBinary(AuditEventSchema, event) };
  });
}

/** Publishes every event to the run's AUDIT stream, a bounded window of acks outstanding. */
async function publishAll(nc, prefix, list) {
  const js = nc.jetstream();
  const window = 2000;
  let next = 0;
  await Promise.all(
    Array.from({ length: window }, async () => {
      for (let i = next++; i < list.length; i = next++) {
        const h = headers();
        h.set('Nats-Msg-Id', list[i].id);
        await js.publish(`${prefix}.audit.v1.events.bench.${list[i].org}`, list[i].bytes, { headers: h });
      }
    }),
  );
}

async function run(index) {
  const ns = natsTestNamespace('benchaudit');
  const database = await createTestDatabase('bench_audit');
  const h = await startAuditChainHarness({
    databaseUrl: database.url,
    natsUrl: TEST_NATS_URL,
    prefix: ns.prefix,
    consumerConcurrency: CONCURRENCY,
    chain: { maxBatch: BATCH, checkpointEvery: 1000 },
    poolMax: 10,
  });
  try {
    const nc = await h.messaging.ready();
    await h.messaging.declareStream(Streams.audit);
    const list = events(index);
    const publishStarted = performance.now();
    await publishAll(nc, ns.prefix, list);
    const publishSeconds = (performance.now() - publishStarted) / 1000;
    console.error(`run ${index + 1}: published ${EVENTS} events in ${publishSeconds.toFixed(1)} s; appending`);

    const jsm = await nc.jetstreamManager();
    const stream = `${ns.prefix.toUpperCase()}_AUDIT`;
    const dbBefore = await databaseCpuMs(h.db);
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    await h.consumer.start();
    for (;;) {
      const info = await jsm.consumers.info(stream, AUDIT_STORE_CONSUMER);
      if (info.num_pending === 0 && info.num_ack_pending === 0 && info.delivered.consumer_seq >= EVENTS) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const appendSeconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    // Backends closed during the run are not counted: a lower bound.
    let dbCpu = 0;
    for (const [pid, ms] of await databaseCpuMs(h.db)) dbCpu += ms - (dbBefore.get(pid) ?? 0);
    const serviceCpuMs = (cpu.user + cpu.system) / 1000 / EVENTS;
    const [{ n }] = await h.db.query('SELECT count(*) AS n FROM audit.events');
    if (Number(n) !== EVENTS) throw new Error(`appended ${n} of ${EVENTS}`);
    const [{ batches }] = await h.db.query('SELECT count(DISTINCT recorded_at) AS batches FROM audit.events');

    const verifyStarted = performance.now();
    let verified = 0;
    for (let k = 1; k <= ORGS; k += 1) {
      const r = await h.verify.execute(orgId(k));
      if (r.violation) throw new Error(`chain of ${orgId(k)} does not verify: ${r.violation.kind} at ${r.violation.sequence}`);
      verified += r.records;
    }
    const verifySeconds = (performance.now() - verifyStarted) / 1000;

    // One long chain, appended through the store in 1,000-event transactions with its checkpoints.
    const longOrg = orgId(999);
    for (let i = 0; i < VERIFY_RECORDS; i += 1000) {
      const part = events(1000 + index, Math.min(1000, VERIFY_RECORDS - i), () => longOrg, i);
      const items = part.map((e) => ({ summary: summarizeAuditEvent(e.event), encoded: e.bytes }));
      const { heads } = await h.store.appendBatch(items);
      await h.checkpointer.committed(heads);
    }
    await h.checkpointer.witnessed();
    const longStarted = performance.now();
    const long = await h.verify.execute(longOrg);
    const longSeconds = (performance.now() - longStarted) / 1000;
    if (long.violation || long.records !== VERIFY_RECORDS) throw new Error(`the long chain does not verify: ${JSON.stringify(long.violation ?? long.records)}`);
    const result = {
      publishPerSecond: round(EVENTS / publishSeconds),
      appendSeconds: round(appendSeconds, 2),
      appendPerSecond: round(EVENTS / appendSeconds),
      meanBatch: round(EVENTS / Number(batches), 1),
      serviceCpuMsPerEvent: round(serviceCpuMs, 3),
      databaseCpuMsPerEvent: round(dbCpu / EVENTS, 3),
      // What the machine's cores could carry if the audit service and its database had them to
      // themselves (NATS server not counted): a derived figure, for runs on a busy machine.
      idleMachineEstimatePerSecond: round((cpus().length * 1000) / (serviceCpuMs + dbCpu / EVENTS)),
      verifySeconds: round(verifySeconds, 2),
      verifyRecordsPerSecond: round(verified / verifySeconds),
      verifyLongChainRecords: VERIFY_RECORDS,
      verifyLongChainSeconds: round(longSeconds, 2),
      verifyLongChainRecordsPerSecond: round(VERIFY_RECORDS / longSeconds),
      load1: round(loadavg()[0], 2),
    };
    console.error(`run ${index + 1}: ${JSON.stringify(result)}`);
    return result;
  } finally {
    await h.dropWitness().catch(() => undefined);
    await h.close().catch(() => undefined);
    await database.drop().catch(() => undefined);
    await ns.cleanup().catch(() => undefined);
  }
}

const runs = [];
for (let i = 0; i < RUNS; i += 1) runs.push(await run(i));
const med = (key) => median(runs.map((r) => r[key]));
const file = writeResult('audit-append', {
  settings: { events: EVENTS, orgs: ORGS, runs: RUNS, verifyRecords: VERIFY_RECORDS, consumerConcurrency: CONCURRENCY, maxBatch: BATCH, checkpointEvery: 1000, database: 'PostgreSQL (this machine)', nats: TEST_NATS_URL },
  medians: {
    appendPerSecond: med('appendPerSecond'),
    verifyRecordsPerSecond: med('verifyRecordsPerSecond'),
    verifyLongChainRecordsPerSecond: med('verifyLongChainRecordsPerSecond'),
    meanBatch: med('meanBatch'),
    serviceCpuMsPerEvent: med('serviceCpuMsPerEvent'),
    databaseCpuMsPerEvent: med('databaseCpuMsPerEvent'),
    idleMachineEstimatePerSecond: med('idleMachineEstimatePerSecond'),
    load1: med('load1'),
    publishPerSecond: med('publishPerSecond'),
  },
  target: { appendPerSecond: 5000 },
  runs,
});
console.log(
  `audit append: median ${med('appendPerSecond')} events/s (target 5,000); verification ${med('verifyRecordsPerSecond')} records/s over ${ORGS} chains, ${med('verifyLongChainRecordsPerSecond')} records/s on one chain of ${VERIFY_RECORDS}; ${file}`,
);
