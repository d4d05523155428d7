#!/usr/bin/env node
// Budget use (issue 7, benchmark 2): 20 Gmail mailboxes carried to 20 Exchange Online mailboxes by 4
// worker processes sharing the NATS KV throttle governor, against a sandbox that enforces Graph's
// per-mailbox limits (10,000 requests per 10 minutes, 4 concurrent, 150 MiB of uploads per 5 minutes
// per app and mailbox) with 50 ms of latency on every request. Uploads bind (messages average ~75 KB).
// Figures: the sustained share of the upload budget each mailbox used (bytes the sandbox charged,
// i.e. Content-Length of admitted POST/PATCH/PUT requests, over a window after the initial burst),
// the share of requests answered 429 (/_sandbox/stats), and whether every Retry-After was honoured
// by every worker (no request to a mailbox started between a 429 and the end of its Retry-After).
// Scaled limits: this machine cannot carry 20 x 0.5 MiB/s, and one window is 5 minutes, so the sandbox's
// limits and the governor's budgets are both scaled: rates divided by --scale (default 5) and periods
// divided by --period-scale (default 10): uploads 3 MiB per 30 s (0.1 MiB/s), requests 200 per 60 s,
// concurrency 4 (unchanged). The share of the budget is what is compared, not absolute rates.
// Diagnostics beside the figure: how long each mailbox stalled inside its window (no request to it for
// STALL_S: no batch of it was being worked on), the share over the time it was not stalled (what the
// governor made of the work it was given), and how many mailboxes uploaded at once.
// --quick: 8 mailboxes of 200 messages (~4 min): one planning page each, and every mailbox's batches fit
// in the workers' slots at once, so nothing stalls and the share is the governor's alone.
// --trace FILE: writes every recorded Graph mailbox request (mailbox hash, times, status, bytes).
// usage: node scripts/bench/migration-budget.mjs [--quick] [--messages 350] [--mailboxes 20] [--workers 4]
//          [--scale 5] [--period-scale 10] [--trace FILE]   (after node scripts/build.mjs)
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { writeResult } from './results.mjs';
import { load, loadHarness, medianOf, metricValue, MiB, round, spawnWorker, startBenchSandbox, withCleanup, WORKER_DEFAULTS } from './migration-common.mjs';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    messages: { type: 'string' },
    mailboxes: { type: 'string' },
    workers: { type: 'string', default: '4' },
    scale: { type: 'string', default: '5' },
    'period-scale': { type: 'string', default: '10' },
    trace: { type: 'string' },
  },
});
const MAILBOXES = Number(values.mailboxes ?? (values.quick ? 8 : 20));
const MESSAGES = Number(values.messages ?? (values.quick ? 200 : 350));
const WORKERS = Number(values.workers);
const S = Number(values.scale);
const T = Number(values['period-scale']);
const UPLOAD = { bytes: Math.round((150 * MiB) / (S * T)), perSeconds: 300 / T };
const REQUESTS = { count: Math.round(10_000 / (S * T)), perSeconds: 600 / T };
const GRAPH_MAILBOX = { rate: REQUESTS, concurrent: 4, uploadBytes: UPLOAD };
const MAIL = { attachmentRate: 0.5, attachmentSizes: [8192, 65536, 147456] };
const QUEUE = { maxDeliveries: 6, ackWaitMs: 60_000, maxAckPending: 256 };
const uploadRate = UPLOAD.bytes / UPLOAD.perSeconds; // bytes per second per mailbox
const STALL_S = 5;

const harness = await loadHarness();

/** Per mailbox: the sustained share of the upload budget, after the first burst's worth was spent. */
function budgetUse(requests) {
  const byMailbox = new Map();
  for (const r of requests) {
    if (!byMailbox.has(r.mailbox)) byMailbox.set(r.mailbox, []);
    byMailbox.get(r.mailbox).push(r);
  }
  const shares = [];
  for (const list of byMailbox.values()) {
    const uploads = list.filter((r) => r.uploadBytes > 0 && r.status >= 200 && r.status < 300).sort((a, b) => a.startMs - b.startMs);
    let cumulative = 0;
    let from = null;
    for (const u of uploads) {
      cumulative += u.uploadBytes;
      // The bucket starts full: measure from when 1.5 bucket's worth went out.
      if (from === null && cumulative >= 1.5 * UPLOAD.bytes) from = { at: u.startMs, bytes: cumulative };
    }
    const last = uploads.at(-1);
    if (!from || !last || last.startMs - from.at < 2 * UPLOAD.perSeconds * 1000) continue;
    const windowS = (last.startMs - from.at) / 1000;
    const used = cumulative - from.bytes; // bytes sent after `from`, up to and including the last
    const stalledS = stalls(list, from.at, last.startMs);
    shares.push({
      windowS,
      share: used / (uploadRate * windowS),
      lowerBound: used / (uploadRate * windowS + UPLOAD.bytes),
      stalledS,
      whileWorking: used / (uploadRate * Math.max(1, windowS - stalledS)),
    });
  }
  return shares;
}

/** Seconds between `from` and `to` in gaps of at least STALL_S with no request to the mailbox. */
function stalls(list, from, to) {
  const starts = list.map((r) => r.startMs).filter((t) => t >= from && t <= to).sort((a, b) => a - b);
  let stalled = 0;
  for (let i = 1; i < starts.length; i++) {
    const gap = starts[i] - starts[i - 1];
    if (gap >= STALL_S * 1000) stalled += gap;
  }
  return stalled / 1000;
}

/** How many mailboxes uploaded in each 20 s slice of the run (first to last upload). */
function activeMailboxes(requests) {
  const uploads = requests.filter((r) => r.uploadBytes > 0);
  if (uploads.length === 0) return { median: 0, max: 0 };
  const t0 = Math.min(...uploads.map((r) => r.startMs));
  const slices = new Map();
  for (const r of uploads) {
    const slice = Math.floor((r.startMs - t0) / 20_000);
    if (!slices.has(slice)) slices.set(slice, new Set());
    slices.get(slice).add(r.mailbox);
  }
  const counts = [...slices.values()].map((s) => s.size);
  return { median: medianOf(counts), max: Math.max(...counts) };
}

/** Requests to a mailbox started after a 429 reached a worker and before its Retry-After ran out. */
function retryAfterViolations(requests, graceMs) {
  const byMailbox = new Map();
  for (const r of requests) {
    if (!byMailbox.has(r.mailbox)) byMailbox.set(r.mailbox, []);
    byMailbox.get(r.mailbox).push(r);
  }
  let throttled = 0;
  let violations = 0;
  for (const list of byMailbox.values()) {
    const starts = list.map((r) => r.startMs).sort((a, b) => a - b);
    for (const r of list) {
      if (r.status !== 429 || r.retryAfterS === null) continue;
      throttled++;
      const from = r.endMs + graceMs;
      const until = r.endMs + r.retryAfterS * 1000;
      if (starts.some((s) => s > from && s < until)) violations++;
    }
  }
  return { throttled, violations };
}

const result = await withCleanup(async (defer) => {
  const sandbox = await startBenchSandbox(harness, {
    name: 'bench-budget',
    seed: 'bench-budget',
    latency: { kind: 'fixed', ms: 50 },
    throttle: { enabled: true, overrides: [{ limit: 'graph.mailbox', spec: GRAPH_MAILBOX }] },
    google: { tenants: [{ domain: 'fabrikam.example', users: MAILBOXES, workloads: { gmail: { messagesPerUser: MESSAGES, ...MAIL } } }] },
    microsoft: { tenants: [{ domain: 'contoso.example', users: MAILBOXES, workloads: { mail: { messagesPerUser: 0 } } }] },
  });
  defer(sandbox.stop);
  const engine = await harness.openBenchEngine('budget', QUEUE);
  defer(() => engine.close());
  const config = {
    natsPrefix: engine.natsPrefix,
    databaseUrl: engine.databaseUrl,
    endpoints: sandbox.endpoints,
    governor: 'kv',
    budgets: { 'graph.mailbox': GRAPH_MAILBOX },
    ...WORKER_DEFAULTS,
    queue: QUEUE,
    poolMax: 4,
    recordHttp: true,
  };
  const workers = [];
  for (let i = 0; i < WORKERS; i++) workers.push(await spawnWorker(config));
  defer(() => Promise.all(workers.map((w) => w.stop())));
  const google = await sandbox.client.googleUsers();
  const microsoft = await sandbox.client.microsoftUsers();
  const { project } = await engine.createProject({ source: 'google', target: 'microsoft', pairs: microsoft.slice(0, MAILBOXES).map((m, i) => ({ sourceAddress: google[i], targetAddress: m })) });
  await sandbox.client.resetStats();
  const started = await engine.startPass(project, 'full');
  const outcome = await engine.waitForPass(started, { onTick: (t) => console.error(`  ${t.migrated + t.failed}/${t.found} (${round(t.bytesDone / MiB, 1)} MiB)`) });
  const stats = await sandbox.client.stats();
  const reports = await Promise.all(workers.map((w) => w.report()));
  const requests = reports.flatMap((r) => r.requests);
  if (values.trace) writeFileSync(values.trace, JSON.stringify({ upload: UPLOAD, requests: reports.flatMap((r, worker) => r.requests.map((q) => ({ ...q, worker }))) }));
  const graph = harness.countRequests(stats, ['graph.']);
  const gmail = harness.countRequests(stats, ['gmail.']);
  const shares = budgetUse(requests);
  const t = outcome.totals;
  return {
    command: `node scripts/bench/migration-budget.mjs ${process.argv.slice(2).join(' ')}`.trim(),
    setup: {
      mailboxes: MAILBOXES,
      messagesPerMailbox: MESSAGES,
      workers: WORKERS,
      worker: { ...WORKER_DEFAULTS, governor: 'kv', process: 'child' },
      latencyMs: 50,
      scaledGraphMailboxLimit: { ...GRAPH_MAILBOX, rateDividedBy: S, periodsDividedBy: T },
      mail: MAIL,
    },
    status: outcome.status,
    wallS: round(outcome.wallMs / 1000),
    counts: { found: t.found, migrated: t.migrated, failed: t.failed, targetMiB: round(t.bytesDone / MiB, 1) },
    uploadShare: {
      mailboxesMeasured: shares.length,
      median: round(medianOf(shares.map((s) => s.share)), 3),
      min: round(Math.min(...shares.map((s) => s.share)), 3),
      medianLowerBound: round(medianOf(shares.map((s) => s.lowerBound)), 3),
      medianWindowS: round(medianOf(shares.map((s) => s.windowS)), 1),
      equivalentGBPerHourPerMailbox: round((medianOf(shares.map((s) => s.share)) * 150 * MiB * 12) / 1e9, 2),
      // Diagnostics: where the rest went.
      medianStalledS: round(medianOf(shares.map((s) => s.stalledS)), 1),
      medianWhileWorking: round(medianOf(shares.map((s) => s.whileWorking)), 3),
      mailboxesUploadingAtOnce: activeMailboxes(requests),
    },
    throttled: {
      graphRequests: graph.requests,
      graph429: graph.throttled,
      graph429Share: round(graph.throttled / Math.max(1, graph.requests), 4),
      gmailRequests: gmail.requests,
      gmail429: gmail.throttled,
      sandboxByLimit: stats.throttle,
    },
    retryAfter: {
      strict: retryAfterViolations(requests, 0),
      with250msPropagation: retryAfterViolations(requests, 250),
    },
    workers: reports.map((r) => ({
      cpuS: round(r.cpuMs / 1000, 1),
      maxRssMiB: round(r.maxRssKiB / 1024, 1),
      throttleWaitS: round(metricValue(r.metrics, 'ferry_migration_throttle_wait_seconds_total'), 1),
      throttledSeen: metricValue(r.metrics, 'ferry_migration_throttled_total'),
    })),
    load: load(),
  };
});
const file = writeResult('migration-budget', result);
console.log(JSON.stringify(result, null, 2));
console.log(`written to ${file}`);
