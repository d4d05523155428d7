import { type BenchWorker, type BenchWorkerConfig, startBenchWorker } from './bench-worker';
import type { RecordedRequest } from './http-request.recorder';

/** The environment variable a worker child reads its configuration from (JSON). */
export const BENCH_WORKER_CONFIG_ENV = 'FERRY_BENCH_WORKER';

/** Messages a worker child sends its parent over IPC. */
export type BenchWorkerMessage =
  | { readonly kind: 'ready' }
  | { readonly kind: 'report'; readonly metrics: unknown; readonly maxRssKiB: number; readonly cpuMs: number; readonly requests: readonly RecordedRequest[] };

/**
 * The body of a worker child process (scripts/bench/migration-worker.mjs): one bench worker from
 * the JSON configuration in FERRY_BENCH_WORKER; `ready` once it consumes, a `report` (metrics,
 * peak RSS, CPU, the Graph requests recorded since the last report) when asked with `report`, a clean stop on SIGTERM. SIGKILL is the crash benchmark's.
 */
export async function runBenchWorkerProcess(): Promise<void> {
  const raw = process.env[BENCH_WORKER_CONFIG_ENV];
  if (!raw) throw new Error(`${BENCH_WORKER_CONFIG_ENV} is not set`);
  const config = JSON.parse(raw) as BenchWorkerConfig;
  const worker: BenchWorker = await startBenchWorker(config);
  const send = (message: BenchWorkerMessage) => process.send?.(message);
  process.on('message', (message: unknown) => {
    if (message !== 'report') return;
    void worker.metrics.registry.getMetricsAsJSON().then((metrics) => {
      const usage = process.resourceUsage();
      send({ kind: 'report', metrics, maxRssKiB: usage.maxRSS, cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000, requests: worker.http?.take() ?? [] });
    });
  });
  const stop = () => {
    void worker.stop().finally(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('disconnect', stop);
  send({ kind: 'ready' });
}
