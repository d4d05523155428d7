// Shared by the migration benchmarks (scripts/bench/migration-*.mjs): the built harness
// (libs/migration/infra/src/testing/engine-bench.fixture.ts), the sandbox as its own process (so the
// worker's CPU is measured apart from it), worker child processes, /proc sampling and figures.
// Needs `node scripts/build.mjs` first, and a NATS (127.0.0.1:4222) and PostgreSQL (127.0.0.1:5432).
import { fork } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DEFAULT_STATE_DIR, relaunchTrustingSandboxCa, startSandboxProcess } from '../sandbox/sandbox-process.mjs';

export const ROOT = resolve(import.meta.dirname, '..', '..');
const FIXTURE = join(ROOT, 'dist', 'libs', 'migration', 'infra', 'src', 'testing', 'engine-bench.fixture.js');
const WORKER_ENTRY = join(import.meta.dirname, 'migration-worker.mjs');

/** Relaunches trusting the sandbox CA (once) and loads the built harness. */
export async function loadHarness() {
  if (!existsSync(FIXTURE)) {
    console.error('the migration bench harness is not built: run `node scripts/build.mjs` first');
    process.exit(1);
  }
  await relaunchTrustingSandboxCa();
  process.env.FERRY_SANDBOX_DIR = DEFAULT_STATE_DIR;
  const require = createRequire(import.meta.url);
  require('reflect-metadata');
  return require(FIXTURE);
}

/** The production defaults (services/migration/src/config.ts). */
export const WORKER_DEFAULTS = { concurrency: 8, limits: { batchItems: 50, batchBytes: 64 * 1024 * 1024, itemConcurrency: 4 } };
export const QUEUE_DEFAULTS = { maxDeliveries: 6, ackWaitMs: 60_000, maxAckPending: 256 };

/** Starts the sandbox clouds in their own process with `scenario` (an object); `client` is the /_sandbox client. */
export async function startBenchSandbox(harness, scenario) {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-bench-'));
  const file = join(dir, 'scenario.json');
  writeFileSync(file, JSON.stringify(scenario));
  const proc = await startSandboxProcess({ scenario: file, stateDir: DEFAULT_STATE_DIR, onLog: (l) => process.env.BENCH_VERBOSE && console.error(l) });
  await proc.seededLine;
  return {
    endpoints: proc.endpoints,
    pid: proc.pid,
    client: new harness.BenchSandboxClient(proc.endpoints),
    stop: async () => {
      await proc.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A process's CPU time so far (user + system), in ms, from /proc (Linux). */
export function procCpuMs(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14, 15)
  return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
}

/** Current and peak resident set of a live process, in MiB (VmRSS, VmHWM). */
export function procRss(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (name) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
    return { rssMiB: kib('VmRSS') / 1024, peakMiB: kib('VmHWM') / 1024 };
  } catch {
    return null; // gone
  }
}

/**
 * Forks a worker child (scripts/bench/migration-worker.mjs) with the harness configuration; resolves
 * once it consumes. `peakMiB` follows the child's VmHWM, sampled every `sampleMs`.
 */
export async function spawnWorker(config, { sampleMs = 200, execArgv = [] } = {}) {
  const child = fork(WORKER_ENTRY, [], {
    env: { ...process.env, FERRY_BENCH_WORKER: JSON.stringify(config) },
    execArgv,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise((r) => child.once('exit', (code, signal) => r({ code, signal })));
  await new Promise((resolveReady, reject) => {
    child.on('message', (m) => m?.kind === 'ready' && resolveReady());
    exited.then(({ code, signal }) => reject(new Error(`worker exited (${code ?? signal}) before it was ready`)));
  });
  const handle = { child, pid: child.pid, peakMiB: 0, samples: 0, exited };
  const timer = setInterval(() => {
    const r = procRss(child.pid);
    if (r) {
      handle.peakMiB = Math.max(handle.peakMiB, r.peakMiB);
      handle.samples++;
    }
  }, sampleMs);
  exited.then(() => clearInterval(timer));
  handle.report = () =>
    new Promise((r) => {
      const on = (m) => {
        if (m?.kind !== 'report') return;
        child.off('message', on);
        r(m);
      };
      child.on('message', on);
      child.send('report');
    });
  handle.stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  handle.kill = async () => {
    child.kill('SIGKILL');
    await exited;
  };
  return handle;
}

/** A counter's value in a WorkerMetrics JSON dump (summed over label sets, optionally filtered). */
export function metricValue(metrics, name, labels = {}) {
  const m = metrics.find((x) => x.name === name);
  if (!m) return 0;
  return m.values
    .filter((v) => Object.entries(labels).every(([k, val]) => v.labels?.[k] === val))
    .filter((v) => !v.metricName || v.metricName === name || v.metricName === `${name}_sum`)
    .reduce((s, v) => s + v.value, 0);
}

export const round = (x, digits = 2) => +Number(x).toFixed(digits);
export const load = () => loadavg().map((l) => round(l));
export const MiB = 1024 * 1024;

export function medianOf(values) {
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Per-field medians of an array of flat numeric records. */
export function medians(records) {
  const out = {};
  for (const key of Object.keys(records[0] ?? {})) {
    if (records.every((r) => typeof r[key] === 'number')) out[key] = round(medianOf(records.map((r) => r[key])), 3);
  }
  return out;
}

/** Runs `fn` with the harness pieces torn down whatever happens. */
export async function withCleanup(fn) {
  const cleanups = [];
  try {
    return await fn((c) => cleanups.push(c));
  } finally {
    for (const c of cleanups.reverse()) {
      const name = c.toString().slice(0, 60);
      if (process.env.BENCH_VERBOSE) console.error(`cleanup: ${name}`);
      const slow = setTimeout(() => console.error(`cleanup still waiting after 30 s: ${name}`), 30_000);
      await c().catch((e) => console.error(`cleanup failed: ${e.message}`));
      clearTimeout(slow);
    }
  }
}
