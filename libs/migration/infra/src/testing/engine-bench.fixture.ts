/**
 * The migration benchmarks' in-process harness (scripts/bench/migration-*.mjs load the built file
 * from dist/): the engine's control-plane side over a fresh database and NATS prefix, workers wired
 * as the service wires them, and the sandbox's control plane. Not exported from the lib's index.
 */
export { BenchSandboxClient, countRequests, type SandboxOperationStats, type SandboxStats } from './bench-sandbox.client';
export { type BenchEngine, type BenchProjectSpec, openBenchEngine, type PassOutcome, type PassTotals, sumProgress } from './bench-engine';
export { type BenchGovernorKind, type BenchWorker, type BenchWorkerConfig, startBenchWorker } from './bench-worker';
export { BENCH_WORKER_CONFIG_ENV, type BenchWorkerMessage, runBenchWorkerProcess } from './bench-worker.process';
export { HttpRequestRecorder, type RecordedRequest } from './http-request.recorder';
export { UNLIMITED_GOVERNOR } from './unlimited-throttle.governor';
export { idempotencyKey } from '@ferry/migration/domain';
export { FERRY_COMPLETE, FERRY_ITEM_KEY } from '../mail/graph/graph-properties';
