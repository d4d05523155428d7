#!/usr/bin/env node
// Crash safety (issue 7, benchmark 5): a Gmail -> Exchange Online pass carried by worker child
// processes, one of which is SIGKILLed at a random moment 20 times during the pass (a replacement is
// started each time), so kills land before, during and after uploads, reference writes and acks.
// After the pass, the target is read back through /_sandbox inspection: every source message must be
// there exactly once, recognised by the idempotency key it carries (the FerryItemKey extended
// property), complete (FerryComplete), and the pass's counts must add up. If the pass recorded
// failures (a batch killed on every delivery is dead-lettered, its unfinished items 'interrupted'),
// a full pass without kills retries them before the read-back.
// The queue redelivers unacknowledged items after 5 s (ackWaitMs) so a killed worker's items come
// back quickly; 10 deliveries per item (a production default is 6) so 20 kills cannot exhaust one.
// 10% of messages carry attachments, some of 4 MiB (over the 3 MiB held in memory: an upload session
// after the create, the multi-request path a crash can cut in the middle).
// usage: node scripts/bench/migration-crash.mjs [--quick] [--mailboxes 5] [--messages 2000] [--kills 20]
//          [--workers 3] [--governor none|kv] [--max-deliveries 10]   (after node scripts/build.mjs)
// A low --max-deliveries (2) with dense kills makes batches run out of attempts: they are dead-lettered.
// FERRY_BENCH_DEBUG=1 makes the worker children log their consumer's retries and failures to stderr.
import { parseArgs } from 'node:util';
import { writeResult } from './results.mjs';
import { load, loadHarness, round, spawnWorker, startBenchSandbox, withCleanup, WORKER_DEFAULTS } from './migration-common.mjs';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    mailboxes: { type: 'string' },
    messages: { type: 'string' },
    kills: { type: 'string' },
    workers: { type: 'string', default: '3' },
    governor: { type: 'string', default: 'none' },
    'max-deliveries': { type: 'string', default: '10' },
    seed: { type: 'string', default: String(Date.now()) },
  },
});
const MAILBOXES = Number(values.mailboxes ?? (values.quick ? 2 : 5));
const MESSAGES = Number(values.messages ?? (values.quick ? 500 : 2000));
const KILLS = Number(values.kills ?? (values.quick ? 8 : 20));
const WORKERS = Number(values.workers);
const QUEUE = { maxDeliveries: Number(values['max-deliveries']), ackWaitMs: 5000, maxAckPending: 256 };
const KiB = 1024;
const MAIL = { attachmentRate: 0.1, attachmentSizes: [8 * KiB, 8 * KiB, 8 * KiB, 64 * KiB, 64 * KiB, 64 * KiB, 64 * KiB, 256 * KiB, 256 * KiB, 4096 * KiB] };

// A small seeded generator, so a run's kill schedule can be repeated (--seed).
let state = Number(values.seed) >>> 0 || 1;
const random = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32);

const harness = await loadHarness();

const result = await withCleanup(async (defer) => {
  const sandbox = await startBenchSandbox(harness, {
    name: 'bench-crash',
    seed: 'bench-crash',
    throttle: { enabled: false, overrides: [] },
    google: { tenants: [{ domain: 'fabrikam.example', users: MAILBOXES, workloads: { gmail: { messagesPerUser: MESSAGES, ...MAIL } } }] },
    microsoft: { tenants: [{ domain: 'contoso.example', users: MAILBOXES, workloads: { mail: { messagesPerUser: 0 } } }] },
  });
  defer(sandbox.stop);
  const engine = await harness.openBenchEngine('crash', QUEUE);
  defer(() => engine.close());
  const config = { natsPrefix: engine.natsPrefix, databaseUrl: engine.databaseUrl, endpoints: sandbox.endpoints, governor: values.governor, ...WORKER_DEFAULTS, queue: QUEUE, poolMax: 4 };
  const workers = [];
  for (let i = 0; i < WORKERS; i++) workers.push(await spawnWorker(config));
  defer(() => Promise.all(workers.map((w) => w.stop())));

  const google = await sandbox.client.googleUsers();
  const microsoft = await sandbox.client.microsoftUsers();
  const { project, mappings } = await engine.createProject({ source: 'google', target: 'microsoft', pairs: microsoft.slice(0, MAILBOXES).map((m, i) => ({ sourceAddress: google[i], targetAddress: m })) });
  const expectedTotal = MAILBOXES * MESSAGES;
  const started = await engine.startPass(project, 'full');

  // Kill a random worker at random points of the pass's progress: KILLS thresholds drawn between 2%
  // and 85% of the items, so every kill lands while items are in flight, whatever the pass's pace.
  const kills = [];
  let done = false;
  const thresholds = Array.from({ length: KILLS }, () => 0.02 + 0.83 * random()).sort((a, b) => a - b);
  const passDone = engine.waitForPass(started, { onTick: (t) => console.error(`  ${t.migrated + t.failed}/${expectedTotal}, ${kills.length} kills`) }).finally(() => (done = true));
  const killer = (async () => {
    while (!done && kills.length < KILLS) {
      await new Promise((r) => setTimeout(r, 100 + 400 * random()));
      const t = await engine.totals(started.pass.id);
      const carried = t.migrated + t.failed;
      if (done || carried < thresholds[kills.length] * expectedTotal) continue;
      const index = Math.floor(random() * workers.length);
      await workers[index].kill();
      kills.push({ atS: round((Date.now() - started.startedAt) / 1000, 1), worker: index, carriedBefore: carried });
      workers[index] = await spawnWorker(config);
    }
  })();
  const outcome = await passDone;
  await killer;
  // Items recorded failed (a batch no attempt finished is dead-lettered and its unfinished items
  // recorded 'interrupted') are retried by a later full pass, which verifies the target for them:
  // run one without kills, so the read-back below also shows that retry copies each exactly once.
  let retry = null;
  if (outcome.totals.failed > 0) {
    const again = await engine.waitForPass(await engine.startPass(project, 'full'));
    retry = { status: again.status, migrated: again.totals.migrated, skipped: again.totals.skipped, failed: again.totals.failed };
  }

  // Read the target back: one complete copy per source message, nothing else.
  const keyId = harness.FERRY_ITEM_KEY.toLowerCase();
  const completeId = harness.FERRY_COMPLETE.toLowerCase();
  let lost = 0;
  let duplicates = 0;
  let incomplete = 0;
  let unexpected = 0;
  let copies = 0;
  let sourceMessages = 0;
  for (const mapping of mappings) {
    const expected = new Set((await sandbox.client.gmailMessages(mapping.sourceAddress)).map((m) => harness.idempotencyKey(project.id, mapping.id, m.id)));
    sourceMessages += expected.size;
    const seen = new Map();
    for (const m of await sandbox.client.graphMessages(mapping.targetAddress)) {
      const props = new Map(m.extendedProperties.map((p) => [p.id.toLowerCase(), p.value]));
      const key = props.get(keyId);
      if (key === undefined) continue; // not Ferry's
      copies++;
      if (props.get(completeId) !== '1') incomplete++;
      if (!expected.has(key)) unexpected++;
      seen.set(key, (seen.get(key) ?? 0) + 1);
    }
    for (const key of expected) if (!seen.has(key)) lost++;
    for (const n of seen.values()) if (n > 1) duplicates += n - 1;
  }
  const t = outcome.totals;
  return {
    command: `node scripts/bench/migration-crash.mjs ${process.argv.slice(2).join(' ')}`.trim(),
    setup: { mailboxes: MAILBOXES, messagesPerMailbox: MESSAGES, workers: WORKERS, worker: { ...WORKER_DEFAULTS, governor: values.governor, process: 'child' }, queue: QUEUE, mail: MAIL, seed: values.seed },
    status: outcome.status,
    wallS: round(outcome.wallMs / 1000),
    kills: kills.length,
    killTimesS: kills.map((k) => k.atS),
    sourceMessages,
    targetCopies: copies,
    lost,
    duplicates,
    incomplete,
    unexpected,
    counts: { found: t.found, migrated: t.migrated, skipped: t.skipped, failed: t.failed, addsUp: t.found === t.migrated + t.skipped + t.failed, foundEqualsSource: t.found === sourceMessages },
    // The full pass run after a pass that recorded failures (null when none did).
    retry,
    ok: outcome.status === 'completed' && lost === 0 && duplicates === 0 && incomplete === 0 && unexpected === 0 && t.found === t.migrated + t.skipped + t.failed && (t.failed === 0 || retry?.failed === 0),
    load: load(),
  };
});
const file = writeResult('migration-crash', result);
console.log(JSON.stringify(result, null, 2));
console.log(`written to ${file}`);
process.exit(result.ok ? 0 : 1);
