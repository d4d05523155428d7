#!/usr/bin/env node
// `npm test`: every check CI needs, in order, then one summary line summed over every jest run:
// contracts (buf lint, buf breaking, stale generated code), types, lint (module boundaries included),
// unit and integration tests per project through Nx, then the end-to-end test on a fresh build.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const results = join(root, 'dist', 'test-results');
rmSync(results, { recursive: true, force: true });

const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_SKIP_NX_CACHE: 'true', FORCE_COLOR: process.env.CI ? '0' : '1' };
const failures = [];
const timings = [];

function step(name, command, args) {
  const started = Date.now();
  console.log(`\n=== ${name}: ${[command, ...args].join(' ')}`);
  const r = spawnSync(command, args, { cwd: root, env, stdio: 'inherit' });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  timings.push(`${name} ${seconds}s`);
  if (r.status !== 0) failures.push(`${name} (exit ${r.status ?? r.signal})`);
}

const nx = join(root, 'node_modules', '.bin', 'nx');
step('contracts', process.execPath, ['scripts/proto/generate.mjs', '--check']);
step('typecheck', join(root, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.json', '--noEmit']);
step('lint', process.execPath, ['scripts/lint.mjs']);
step('unit', nx, ['run-many', '-t', 'test', '--skip-nx-cache', '--outputStyle=static']);
step('integration', nx, ['run-many', '-t', 'int-test', '--skip-nx-cache', '--outputStyle=static']);
step('build', process.execPath, ['scripts/build.mjs']);
step('e2e', process.execPath, ['scripts/test/jest-project.mjs', 'services/platform-e2e', 'e2e']);

let passed = 0;
let failed = 0;
let files = [];
try {
  files = readdirSync(results).filter((f) => f.endsWith('.json'));
} catch {
  // no test ran
}
for (const f of files) {
  const r = JSON.parse(readFileSync(join(results, f), 'utf8'));
  passed += r.numPassedTests;
  failed += r.numFailedTests;
  // A suite that fails to load has no failed tests but must still fail the run.
  if (r.numFailedTestSuites > 0 && r.numFailedTests === 0) failed += r.numFailedTestSuites;
}
console.log(`\n=== timings: ${timings.join(', ')}`);
if (failures.length > 0) console.log(`=== failed steps: ${failures.join(', ')}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failures.length > 0 || failed > 0 || passed === 0 ? 1 : 0);
