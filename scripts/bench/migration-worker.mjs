// A migration worker as its own process, for the memory and crash benchmarks: the harness's
// runBenchWorkerProcess with the configuration its parent (scripts/bench/migration-common.mjs) put
// in FERRY_BENCH_WORKER. Started by fork() with the parent's environment (which trusts the sandbox CA).
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..', '..');
const require = createRequire(import.meta.url);
require('reflect-metadata');
const { runBenchWorkerProcess } = require(join(ROOT, 'dist', 'libs', 'migration', 'infra', 'src', 'testing', 'engine-bench.fixture.js'));
await runBenchWorkerProcess();
