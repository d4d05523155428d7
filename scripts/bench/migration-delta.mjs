#!/usr/bin/env node
// Delta passes (issue 7, benchmark 4): one Gmail mailbox of N messages carried to Exchange Online by
// a full pass, then 100 changes made at the source through the sandbox inspection API (30 new
// messages, 30 marked read, 20 starred, 10 given a user label, 10 deleted; deletion policy mirror),
// then a delta pass. Figures: target (Graph) and source (Gmail) requests during each pass, from
// /_sandbox/stats before and after, and the delta pass's wall time against the full pass's. The
// target: O(changes) target calls, and a delta under 2% of the full pass's time.
// One in-process worker (production defaults), no throttling (sandbox limits off, governor admits
// all), zero latency; messages without attachments (~1 KB) so the full pass of a large mailbox fits
// in minutes on a small machine.
// usage: node scripts/bench/migration-delta.mjs [--quick] [--messages 20000] [--runs 1]   (after node scripts/build.mjs)
import { parseArgs } from 'node:util';
import { writeResult } from './results.mjs';
import { load, loadHarness, medians, QUEUE_DEFAULTS, round, startBenchSandbox, withCleanup, WORKER_DEFAULTS } from './migration-common.mjs';

const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false }, messages: { type: 'string' }, runs: { type: 'string' } } });
const MESSAGES = Number(values.messages ?? (values.quick ? 3000 : 20_000));
const RUNS = Number(values.runs ?? 1);
const CHANGES = { added: 30, read: 30, starred: 20, labelled: 10, deleted: 10 };

const harness = await loadHarness();

/** Requests per operation between two /_sandbox/stats snapshots, for one vendor prefix. */
function callsBetween(before, after, prefix) {
  const out = {};
  let total = 0;
  for (const [op, s] of Object.entries(after.operations)) {
    if (!op.startsWith(prefix)) continue;
    const n = s.requests - (before.operations[op]?.requests ?? 0);
    if (n > 0) {
      out[op] = n;
      total += n;
    }
  }
  return { total, byOperation: out };
}

async function run(index) {
  const scenario = {
    name: 'bench-delta',
    seed: `bench-delta-${index}`,
    throttle: { enabled: false, overrides: [] },
    google: { tenants: [{ domain: 'fabrikam.example', users: 1, workloads: { gmail: { messagesPerUser: MESSAGES, attachmentRate: 0 } } }] },
    microsoft: { tenants: [{ domain: 'contoso.example', users: 1, workloads: { mail: { messagesPerUser: 0 } } }] },
  };
  return withCleanup(async (defer) => {
    const sandbox = await startBenchSandbox(harness, scenario);
    defer(sandbox.stop);
    const engine = await harness.openBenchEngine('delta', QUEUE_DEFAULTS);
    defer(() => engine.close());
    const worker = await harness.startBenchWorker({ natsPrefix: engine.natsPrefix, databaseUrl: engine.databaseUrl, endpoints: sandbox.endpoints, governor: 'none', ...WORKER_DEFAULTS, queue: QUEUE_DEFAULTS });
    defer(() => worker.stop());
    const [source] = await sandbox.client.googleUsers();
    const [target] = await sandbox.client.microsoftUsers();
    const { project } = await engine.createProject({ source: 'google', target: 'microsoft', pairs: [{ sourceAddress: source, targetAddress: target }], deletionPolicy: 'mirror' });

    const measured = async (kind) => {
      const before = await sandbox.client.stats();
      const started = await engine.startPass(project, kind);
      const outcome = await engine.waitForPass(started, { onTick: (t) => console.error(`  ${kind}: ${t.migrated + t.skipped}/${t.found}`) });
      const after = await sandbox.client.stats();
      if (outcome.status !== 'completed') throw new Error(`${kind} pass ended ${outcome.status}`);
      return { outcome, target: callsBetween(before, after, 'graph.'), source: callsBetween(before, after, 'gmail.') };
    };

    console.error(`run ${index + 1}: full pass of ${MESSAGES} messages`);
    const full = await measured('full');

    // 100 changes at the source, spread over the mailbox.
    const gmail = (path, method, body) => sandbox.client.json(`/google/gmail/${encodeURIComponent(source)}${path}`, method, body);
    const messages = (await sandbox.client.gmailMessages(source)).filter((m) => m.origin === 'seeded');
    const unread = messages.filter((m) => m.labelIds.includes('UNREAD'));
    const others = messages.filter((m) => !m.labelIds.includes('UNREAD') && !m.labelIds.includes('STARRED'));
    const spread = (list, n, offset) => Array.from({ length: n }, (_, i) => list[Math.floor(((i + offset / 7) * list.length) / n) % list.length]);
    const userLabel = (await gmail('/labels', 'GET')).labels.find((l) => l.type === 'user');
    for (let i = 0; i < CHANGES.added; i++) await gmail('/messages', 'POST', { subject: `delta ${i}`, labelIds: ['INBOX', 'UNREAD'] });
    for (const m of spread(unread, CHANGES.read, 0)) await gmail(`/messages/${m.id}`, 'PATCH', { removeLabelIds: ['UNREAD'] });
    const pool = others.filter((m) => !m.labelIds.includes(userLabel.id));
    const picks = spread(pool, CHANGES.starred + CHANGES.labelled + CHANGES.deleted, 3);
    for (const m of picks.slice(0, CHANGES.starred)) await gmail(`/messages/${m.id}`, 'PATCH', { addLabelIds: ['STARRED'] });
    for (const m of picks.slice(CHANGES.starred, CHANGES.starred + CHANGES.labelled)) await gmail(`/messages/${m.id}`, 'PATCH', { addLabelIds: [userLabel.id] });
    for (const m of picks.slice(CHANGES.starred + CHANGES.labelled)) await gmail(`/messages/${m.id}`, 'DELETE');

    console.error(`run ${index + 1}: delta pass after ${Object.values(CHANGES).reduce((a, b) => a + b, 0)} changes`);
    const delta = await measured('delta');
    const folders = await sandbox.client.graphFolders(target);
    const changes = Object.values(CHANGES).reduce((a, b) => a + b, 0);
    return {
      messages: MESSAGES,
      changes,
      fullWallS: round(full.outcome.wallMs / 1000),
      fullMessagesPerS: round(full.outcome.totals.migrated / (full.outcome.wallMs / 1000)),
      fullTargetCalls: full.target.total,
      fullSourceCalls: full.source.total,
      deltaWallS: round(delta.outcome.wallMs / 1000, 3),
      deltaShareOfFull: round(delta.outcome.wallMs / full.outcome.wallMs, 4),
      deltaTargetCalls: delta.target.total,
      deltaTargetCallsPerChange: round(delta.target.total / changes, 3),
      deltaSourceCalls: delta.source.total,
      deltaSourceCallsPerChange: round(delta.source.total / changes, 3),
      detail: {
        fullTotals: full.outcome.totals,
        deltaTotals: delta.outcome.totals,
        deltaTargetByOperation: delta.target.byOperation,
        deltaSourceByOperation: delta.source.byOperation,
        targetMailbox: { messages: folders.messages, deletedItems: folders.folders.find((f) => f.path === 'Deleted Items')?.totalItemCount ?? null },
      },
      load: load(),
    };
  });
}

const runs = [];
for (let i = 0; i < RUNS; i++) {
  runs.push(await run(i));
  console.error(JSON.stringify(runs.at(-1)));
}
const result = {
  command: `node scripts/bench/migration-delta.mjs ${process.argv.slice(2).join(' ')}`.trim(),
  setup: { worker: { ...WORKER_DEFAULTS, governor: 'none', inProcess: true }, sandbox: { process: 'separate', latencyMs: 0, throttle: 'disabled' }, messages: MESSAGES, attachments: 'none', changes: CHANGES, deletionPolicy: 'mirror' },
  median: medians(runs),
  runs,
};
const file = writeResult('migration-delta', result);
console.log(JSON.stringify({ command: result.command, median: result.median }, null, 2));
console.log(`written to ${file}`);
