#!/usr/bin/env node
// Runs one project's unit or integration tests and records jest's JSON result for the summary.
// usage: node scripts/test/jest-project.mjs <projectDir> <unit|int|e2e> [extra jest args]
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

const [dir, kind, ...rest] = process.argv.slice(2);
if (!dir || !['unit', 'int', 'e2e'].includes(kind ?? '')) {
  console.error('usage: jest-project.mjs <projectDir> <unit|int|e2e>');
  process.exit(2);
}
const resultsDir = join('dist', 'test-results');
// Integration and e2e tests talk HTTPS to the sandbox clouds, whose CA a process trusts only when
// NODE_EXTRA_CA_CERTS names it at start-up: create the CA once, before jest starts.
const sandboxDir = resolve('tmp', 'sandbox');
const sandboxEnv = {};
if (kind !== 'unit') {
  const made = spawnSync(
    process.execPath,
    ['-r', './libs/platform/telemetry/src/testing/ts-require.hook.cjs', '-e', `require('./libs/sandbox/src/tls/certificate-authority').ensureSandboxCa(${JSON.stringify(sandboxDir)}).catch((e) => { console.error(e); process.exit(1); })`],
    { stdio: 'inherit' },
  );
  if (made.status !== 0) process.exit(made.status ?? 1);
  Object.assign(sandboxEnv, { FERRY_SANDBOX_DIR: sandboxDir, NODE_EXTRA_CA_CERTS: join(sandboxDir, 'ca.pem') });
}
mkdirSync(resultsDir, { recursive: true });
const outputFile = join(resultsDir, `${dir.replaceAll('/', '_')}.${kind}.json`);
const result = spawnSync(
  process.execPath,
  [
    'node_modules/jest/bin/jest.js',
    '--config',
    'jest.config.cjs',
    '--rootDir',
    '.',
    '--selectProjects',
    kind,
    '--testPathPatterns',
    `^${process.cwd()}/${dir}/`,
    '--passWithNoTests',
    '--json',
    '--outputFile',
    outputFile,
    // Under load, the messaging integration suite has been seen (1 run in 3, never alone) to leave a
    // handle open after every test passed, and jest then waits for ever. The results are written by
    // then; a hung run would only fail CI on its time limit. Unit tests run without it, so a leak
    // there still shows.
    ...(kind === 'unit' ? [] : ['--forceExit']),
    ...rest,
  ],
  { stdio: 'inherit', env: { ...process.env, ...sandboxEnv, ...(kind === 'unit' ? {} : { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --experimental-vm-modules --no-warnings=ExperimentalWarning`.trim() }), FERRY_TEST_KIND: kind } },
);
process.exit(result.status ?? 1);
