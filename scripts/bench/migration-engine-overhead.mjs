#!/usr/bin/env node
// Engine overhead (issue 7, benchmark 1): one migration worker, in this process, wired as the
// service's worker role (real Gmail/Graph adapters, TypeORM stores on PostgreSQL, the JetStream work
// queue), carrying full passes against the sandbox at zero latency with throttling off (the sandbox's
// limits disabled, a governor that admits everything). Messages average ~75 KB: half carry one or two
// attachments of 8, 64 or 144 KiB (base64 in the MIME).
//   messages/s and MB/s end to end (pass start to the commit that completed it);
//   worker CPU-ms per message (process.cpuUsage of this process: worker, planner and driver; the
//   sandbox runs as its own process, its CPU is reported apart; NATS and PostgreSQL are not counted);
//   messages per worker CPU-second (the "per worker core" figure of the 500 target).
// Directions: gmail-graph (the case; the Graph target parses every MIME), graph-gmail (the Gmail
// target imports the MIME as it is: no parse), for attribution.
// usage: node scripts/bench/migration-engine-overhead.mjs [--quick] [--runs 3] [--mailboxes 4]
//          [--messages 1500] [--direction gmail-graph|graph-gmail|both] [--governor none|local|kv] [--profile]
//        (after node scripts/build.mjs; --profile writes dist/bench/migration-engine-overhead.<direction>.cpuprofile)
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { writeResult } from './results.mjs';
import { load, loadHarness, medians, procCpuMs, QUEUE_DEFAULTS, ROOT, round, startBenchSandbox, withCleanup, WORKER_DEFAULTS } from './migration-common.mjs';
import { startProfile } from './migration-profile.mjs';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    runs: { type: 'string' },
    mailboxes: { type: 'string' },
    messages: { type: 'string' },
    direction: { type: 'string', default: 'both' },
    governor: { type: 'string', default: 'none' },
    profile: { type: 'boolean', default: false },
  },
});
const RUNS = Number(values.runs ?? (values.quick ? 1 : 3));
const MAILBOXES = Number(values.mailboxes ?? (values.quick ? 2 : 4));
const MESSAGES = Number(values.messages ?? (values.quick ? 300 : 1500));
const DIRECTIONS = values.direction === 'both' ? ['gmail-graph', 'graph-gmail'] : [values.direction];
const MAIL = { attachmentRate: 0.5, attachmentSizes: [8192, 65536, 147456] };
// With the governor on, budgets far above what a sandbox run reaches: its bookkeeping is measured, not its waits.
const UNLIMITED_BUDGETS = {
  'graph.mailbox': { rate: { count: 1e9, perSeconds: 60 }, concurrent: 1000, uploadBytes: { bytes: 1e15, perSeconds: 60 } },
  'gmail.user': { rate: { count: 1e9, perSeconds: 60 } },
};

const harness = await loadHarness();

async function direction(name) {
  const [source, target] = name === 'gmail-graph' ? ['google', 'microsoft'] : ['microsoft', 'google'];
  // One warm-up mailbox, then MAILBOXES fresh source/target mailboxes per measured run.
  const users = 1 + RUNS * MAILBOXES;
  const scenario = {
    name: 'bench-engine-overhead',
    seed: 'bench-engine-overhead',
    throttle: { enabled: false, overrides: [] },
    google: { tenants: [{ domain: 'fabrikam.example', users, workloads: { gmail: source === 'google' ? { messagesPerUser: MESSAGES, ...MAIL } : { messagesPerUser: 0 } } }] },
    microsoft: { tenants: [{ domain: 'contoso.example', users, workloads: { mail: source === 'microsoft' ? { messagesPerUser: MESSAGES, ...MAIL } : { messagesPerUser: 0 } } }] },
  };
  return withCleanup(async (defer) => {
    const sandbox = await startBenchSandbox(harness, scenario);
    defer(sandbox.stop);
    const engine = await harness.openBenchEngine('overhead', QUEUE_DEFAULTS);
    defer(() => engine.close());
    const worker = await harness.startBenchWorker({
      natsPrefix: engine.natsPrefix,
      databaseUrl: engine.databaseUrl,
      endpoints: sandbox.endpoints,
      governor: values.governor,
      ...(values.governor === 'none' ? {} : { budgets: UNLIMITED_BUDGETS }),
      ...WORKER_DEFAULTS,
      queue: QUEUE_DEFAULTS,
    });
    defer(async () => {
      if ((await worker.stop()).stopHung) result.workerStopHangs++;
    });
    const google = await sandbox.client.googleUsers();
    const microsoft = await sandbox.client.microsoftUsers();
    const [from, to] = source === 'google' ? [google, microsoft] : [microsoft, google];
    // One project for every run (passes over different mailboxes of it): its passes share one queue
    // lane. A lane left idle by a finished project can hold the worker's fair consumer in a fetch that
    // never ends (see the report), which would stall the next project's pass.
    const { project, mappings } = await engine.createProject({ source, target, pairs: from.slice(0, users).map((f, i) => ({ sourceAddress: f, targetAddress: to[i] })) });
    const byAddress = new Map(mappings.map((m) => [m.sourceAddress, m.id]));

    const pass = async (start, count, profileFile) => {
      const ids = from.slice(start, start + count).map((a) => byAddress.get(a));
      const profile = profileFile ? await startProfile() : null;
      const cpu0 = process.cpuUsage();
      const sandboxCpu0 = procCpuMs(sandbox.pid);
      await sandbox.client.resetStats();
      const started = await engine.startPass(project, 'full', ids);
      // Polled seldom: the driver's queries run in this process and would count as worker CPU.
      const outcome = await engine.waitForPass(started, { pollMs: 500, onTick: (t) => console.error(`  ${name}: ${t.migrated}/${t.found} migrated`) });
      const cpu = process.cpuUsage(cpu0);
      const sandboxCpuMs = procCpuMs(sandbox.pid) - sandboxCpu0;
      const stats = await sandbox.client.stats();
      const calls = (prefix) => harness.countRequests(stats, [prefix]).requests;
      const t = outcome.totals;
      if (outcome.status !== 'completed' || t.failed > 0 || t.migrated !== t.found) throw new Error(`pass ended ${outcome.status}: ${JSON.stringify(t)}`);
      const workerCpuMs = (cpu.user + cpu.system) / 1000;
      const seconds = outcome.wallMs / 1000;
      return {
        figures: {
          messages: t.migrated,
          wallS: round(seconds),
          messagesPerS: round(t.migrated / seconds),
          sourceMBPerS: round(t.bytesFound / 1e6 / seconds),
          targetMBPerS: round(t.bytesDone / 1e6 / seconds),
          avgSourceKB: round(t.bytesFound / 1e3 / t.migrated),
          workerCpuMsPerMessage: round(workerCpuMs / t.migrated, 3),
          workerCpuShare: round(workerCpuMs / outcome.wallMs),
          messagesPerWorkerCpuS: round(t.migrated / (workerCpuMs / 1000)),
          sandboxCpuMsPerMessage: round(sandboxCpuMs / t.migrated, 3),
          sourceCallsPerMessage: round(calls(source === 'google' ? 'gmail.' : 'graph.') / t.migrated, 3),
          targetCallsPerMessage: round(calls(target === 'google' ? 'gmail.' : 'graph.') / t.migrated, 3),
        },
        operations: Object.fromEntries(Object.entries(stats.operations).map(([op, o]) => [op, { requests: o.requests, meanMs: round(o.meanMs) }])),
        profile: profile ? await profile.stop(profileFile) : undefined,
      };
    };

    console.error(`${name}: warm-up (1 mailbox x ${MESSAGES})`);
    await pass(0, 1);
    const runs = [];
    for (let r = 0; r < RUNS; r++) {
      const profileFile = values.profile && r === RUNS - 1 ? join(ROOT, 'dist', 'bench', `migration-engine-overhead.${name}.cpuprofile`) : undefined;
      console.error(`${name}: run ${r + 1}/${RUNS} (${MAILBOXES} mailboxes x ${MESSAGES})${profileFile ? ', profiled' : ''}`);
      const { figures, profile, operations } = await pass(1 + r * MAILBOXES, MAILBOXES, profileFile);
      runs.push({ ...figures, load: load(), sandboxOperations: operations });
      console.error(`  ${JSON.stringify(figures)}`);
      if (profile) runs.at(-1).profile = { file: profileFile, ...profile };
    }
    return { runs: runs.map(({ profile, ...r }) => r), median: medians(runs), profile: runs.find((r) => r.profile)?.profile };
  });
}

const result = {
  command: `node scripts/bench/migration-engine-overhead.mjs ${process.argv.slice(2).join(' ')}`.trim(),
  setup: {
    worker: { ...WORKER_DEFAULTS, governor: values.governor, inProcess: true },
    sandbox: { process: 'separate', latencyMs: 0, throttle: 'disabled' },
    mailboxesPerRun: MAILBOXES,
    messagesPerMailbox: MESSAGES,
    mail: MAIL,
  },
  loadBefore: load(),
  workerStopHangs: 0,
  directions: {},
};
for (const name of DIRECTIONS) result.directions[name] = await direction(name);
result.loadAfter = load();
const file = writeResult('migration-engine-overhead', result);
console.log(JSON.stringify({ ...result, directions: Object.fromEntries(Object.entries(result.directions).map(([k, v]) => [k, { median: v.median, runs: v.runs.length }])) }, null, 2));
console.log(`written to ${file}`);
