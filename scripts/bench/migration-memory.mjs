#!/usr/bin/env node
// Worker memory (issue 7, benchmark 3): peak resident set of one migration worker child process
// (production defaults: 8 work items x 4 messages at once), sampled from /proc (VmHWM, every 200 ms),
// while it carries, Gmail -> Exchange Online:
//   large   - one message with one 150 MiB attachment (~205 MB of MIME: read once to scan, again to
//             stream the attachment into a Graph upload session);
//   mailbox - one large mailbox (bench-mail's mix: 20% of messages with one or two attachments of
//             8, 64 or 256 KiB); RSS is also sampled along the pass to show whether it grows with it.
// Target: under 256 MB in both. The sandbox runs in its own process at zero latency, throttling off.
// usage: node scripts/bench/migration-memory.mjs [--case large|mailbox|both] [--quick] [--messages 30000]
//          [--heap-growing-percent N] [--node-args=<flags>]
//        (after node scripts/build.mjs; --messages 100000 for the size, ~20 min on 2 cores)
import { parseArgs } from 'node:util';
import { writeResult } from './results.mjs';
import { load, loadHarness, MiB, procRss, QUEUE_DEFAULTS, round, spawnWorker, startBenchSandbox, withCleanup, WORKER_DEFAULTS } from './migration-common.mjs';

const { values } = parseArgs({
  options: { case: { type: 'string', default: 'both' }, quick: { type: 'boolean', default: false }, messages: { type: 'string' }, 'heap-growing-percent': { type: 'string' }, 'node-args': { type: 'string' } },
});
// The worker's V8 heap growth (the service's FERRY_WORKER_HEAP_GROWING_PERCENT, default 20; 0 is V8's
// own), and node flags for the worker child (--node-args=--max-semi-space-size=4), to compare settings.
const HEAP_GROWING_PERCENT = values['heap-growing-percent'] === undefined ? undefined : Number(values['heap-growing-percent']);
const NODE_ARGS = (values['node-args'] ?? '').split(' ').filter(Boolean);
const CASES = values.case === 'both' ? ['large', 'mailbox'] : [values.case];
const MESSAGES = Number(values.messages ?? (values.quick ? 3000 : 30_000));
const ATTACHMENT = 150 * MiB;

const harness = await loadHarness();

async function carry(name, gmail, check) {
  for (let attempt = 0; attempt < 8; attempt++) {
    const outcome = await withCleanup(async (defer) => {
      const sandbox = await startBenchSandbox(harness, {
        name: `bench-memory-${name}`,
        seed: `bench-memory-${name}-${attempt}`,
        throttle: { enabled: false, overrides: [] },
        google: { tenants: [{ domain: 'fabrikam.example', users: 1, workloads: { gmail } }] },
        microsoft: { tenants: [{ domain: 'contoso.example', users: 1, workloads: { mail: { messagesPerUser: 0 } } }] },
      });
      defer(sandbox.stop);
      const [source] = await sandbox.client.googleUsers();
      const [target] = await sandbox.client.microsoftUsers();
      // The seed decides how many attachments a message gets (one or two): retry for the shape wanted.
      if (check && !check(await sandbox.client.gmailMessages(source))) return null;
      const engine = await harness.openBenchEngine('memory', QUEUE_DEFAULTS);
      defer(() => engine.close());
      const worker = await spawnWorker({ natsPrefix: engine.natsPrefix, databaseUrl: engine.databaseUrl, endpoints: sandbox.endpoints, governor: 'none', ...WORKER_DEFAULTS, queue: QUEUE_DEFAULTS, ...(HEAP_GROWING_PERCENT === undefined ? {} : { heapGrowingPercent: HEAP_GROWING_PERCENT }) }, { execArgv: NODE_ARGS });
      defer(() => worker.stop());
      await new Promise((r) => setTimeout(r, 1000));
      const idle = procRss(worker.pid);
      const { project } = await engine.createProject({ source: 'google', target: 'microsoft', pairs: [{ sourceAddress: source, targetAddress: target }] });
      const started = await engine.startPass(project, 'full');
      const timeline = [];
      const outcome = await engine.waitForPass(started, {
        onTick: (t) => {
          const r = procRss(worker.pid);
          timeline.push({ atS: round((Date.now() - started.startedAt) / 1000, 1), carried: t.migrated + t.failed, rssMiB: round(r?.rssMiB ?? 0, 1), peakMiB: round(r?.peakMiB ?? 0, 1) });
          console.error(`  ${name}: ${t.migrated + t.failed}/${t.found}, rss ${round(r?.rssMiB ?? 0, 1)} MiB, peak ${round(r?.peakMiB ?? 0, 1)} MiB`);
        },
      });
      const end = procRss(worker.pid);
      const report = await worker.report();
      const t = outcome.totals;
      return {
        status: outcome.status,
        wallS: round(outcome.wallMs / 1000),
        found: t.found,
        migrated: t.migrated,
        failed: t.failed,
        sourceMB: round(t.bytesFound / 1e6, 1),
        idleRssMiB: round(idle?.rssMiB ?? 0, 1),
        peakRssMiB: round(Math.max(worker.peakMiB, end?.peakMiB ?? 0), 1),
        peakRssMiBByGetrusage: round(report.maxRssKiB / 1024, 1),
        endRssMiB: round(end?.rssMiB ?? 0, 1),
        // process.memoryUsage() and V8 heap spaces (MiB) at the highest-RSS sample, and each one's highest.
        memory: report.memory,
        messagesPerS: round(t.migrated / (outcome.wallMs / 1000), 1),
        workerCpuMs: round(report.cpuMs),
        workerCpuMsPerMessage: round(report.cpuMs / Math.max(1, t.migrated), 3),
        underTarget: Math.max(worker.peakMiB, end?.peakMiB ?? 0) < 256,
        timeline,
        load: load(),
      };
    });
    if (outcome) return outcome;
  }
  throw new Error(`no seed gave the ${name} shape wanted`);
}

const result = { command: `node scripts/bench/migration-memory.mjs ${process.argv.slice(2).join(' ')}`.trim(), worker: { ...WORKER_DEFAULTS, process: 'child', governor: 'none', heapGrowingPercent: HEAP_GROWING_PERCENT ?? 'service default', nodeArgs: NODE_ARGS }, cases: {} };
for (const name of CASES) {
  console.error(`memory: ${name}`);
  result.cases[name] =
    name === 'large'
      ? await carry('large', { messagesPerUser: 1, attachmentRate: 1, attachmentSizes: [ATTACHMENT], userLabelRate: 0 }, (msgs) => msgs.length === 1 && msgs[0].size < 1.5 * ATTACHMENT)
      : await carry('mailbox', { messagesPerUser: MESSAGES, attachmentRate: 0.2, attachmentSizes: [8192, 65536, 262144] });
  console.error(JSON.stringify({ ...result.cases[name], timeline: undefined }));
}
const file = writeResult('migration-memory', result);
console.log(JSON.stringify({ ...result, cases: Object.fromEntries(Object.entries(result.cases).map(([k, v]) => [k, { ...v, timeline: `${v.timeline.length} samples` }])) }, null, 2));
console.log(`written to ${file}`);
