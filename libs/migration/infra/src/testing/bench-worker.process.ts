import { PerformanceObserver } from 'node:perf_hooks';
import { getHeapSpaceStatistics } from 'node:v8';
import { DEFAULT_HEAP_GROWING_PERCENT, tuneWorkerHeap } from '../worker/worker-heap';
import { type BenchWorker, type BenchWorkerConfig, startBenchWorker } from './bench-worker';
import type { RecordedRequest } from './http-request.recorder';

/** The environment variable a worker child reads its configuration from (JSON). */
export const BENCH_WORKER_CONFIG_ENV = 'FERRY_BENCH_WORKER';

/** Messages a worker child sends its parent over IPC. */
export type BenchWorkerMessage =
  | { readonly kind: 'ready' }
  | { readonly kind: 'report'; readonly metrics: unknown; readonly maxRssKiB: number; readonly cpuMs: number; readonly requests: readonly RecordedRequest[]; readonly memory: MemoryBreakdown };

/**
 * Where a worker's memory went, in MiB: at the sample with the highest RSS, and each figure's own
 * highest; and the time spent in garbage collection (ms, by kind), what a tighter heap costs.
 */
export interface MemoryBreakdown {
  readonly atPeakRss: MemorySample | null;
  readonly highest: MemorySample | null;
  readonly gcMs: Readonly<Record<string, number>>;
}

/** One sample of process.memoryUsage() and the V8 heap spaces' committed sizes, in MiB. */
export type MemorySample = Readonly<Record<string, number>>;

const MiB = 1024 * 1024;

/** Samples the process's memory every `everyMs` until the process ends (an unref'd timer). */
function sampleMemory(everyMs = 250): () => MemoryBreakdown {
  let atPeakRss: MemorySample | null = null;
  const highest: Record<string, number> = {};
  const gcMs: Record<string, number> = {};
  const gc = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = (entry as { detail?: { kind?: number } }).detail?.kind;
      const name = kind === 1 ? 'minor' : kind === 4 ? 'major' : kind === 8 ? 'incremental' : kind === 16 ? 'weakcb' : 'other';
      gcMs[name] = (gcMs[name] ?? 0) + entry.duration;
    }
  });
  gc.observe({ entryTypes: ['gc'] });
  const timer = setInterval(() => {
    const usage = process.memoryUsage();
    const sample: Record<string, number> = {
      rss: usage.rss / MiB,
      heapTotal: usage.heapTotal / MiB,
      heapUsed: usage.heapUsed / MiB,
      external: usage.external / MiB,
      arrayBuffers: usage.arrayBuffers / MiB,
    };
    for (const space of getHeapSpaceStatistics()) sample[`space.${space.space_name}`] = space.physical_space_size / MiB;
    for (const [k, v] of Object.entries(sample)) sample[k] = Math.round(v * 10) / 10;
    if (!atPeakRss || (sample['rss'] ?? 0) > (atPeakRss['rss'] ?? 0)) atPeakRss = sample;
    for (const [k, v] of Object.entries(sample)) highest[k] = Math.max(highest[k] ?? 0, v);
  }, everyMs);
  timer.unref();
  return () => ({ atPeakRss, highest: Object.keys(highest).length > 0 ? { ...highest } : null, gcMs: Object.fromEntries(Object.entries(gcMs).map(([k, v]) => [k, Math.round(v)])) });
}

/**
 * The body of a worker child process (scripts/bench/migration-worker.mjs): one bench worker from
 * the JSON configuration in FERRY_BENCH_WORKER; `ready` once it consumes, a `report` (metrics,
 * peak RSS, CPU, the Graph requests recorded since the last report) when asked with `report`, a clean stop on SIGTERM. SIGKILL is the crash benchmark's.
 */
export async function runBenchWorkerProcess(): Promise<void> {
  const raw = process.env[BENCH_WORKER_CONFIG_ENV];
  if (!raw) throw new Error(`${BENCH_WORKER_CONFIG_ENV} is not set`);
  const config = JSON.parse(raw) as BenchWorkerConfig;
  // As the service's worker role does (WorkerLifecycle), so the benchmarks measure what runs.
  tuneWorkerHeap(config.heapGrowingPercent ?? DEFAULT_HEAP_GROWING_PERCENT);
  const memory = sampleMemory();
  const worker: BenchWorker = await startBenchWorker(config);
  const send = (message: BenchWorkerMessage) => process.send?.(message);
  process.on('message', (message: unknown) => {
    if (message !== 'report') return;
    void worker.metrics.registry.getMetricsAsJSON().then((metrics) => {
      const usage = process.resourceUsage();
      send({ kind: 'report', metrics, maxRssKiB: usage.maxRSS, cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000, requests: worker.http?.take() ?? [], memory: memory() });
    });
  });
  const stop = () => {
    void worker.stop().finally(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('disconnect', stop);
  send({ kind: 'ready' });
}
