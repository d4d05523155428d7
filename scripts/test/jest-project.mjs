#!/usr/bin/env node
// Runs one project's unit or integration tests and records jest's JSON result for the summary.
// usage: node scripts/test/jest-project.mjs <projectDir> <unit|int|e2e> [extra jest args]
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

const [dir, kind, ...rest] = process.argv.slice(2);
if (!dir || !['unit', 'int', 'e2e'].includes(kind ?? '')) {
  console.error('usage: jest-project.mjs <projectDir> <unit|int|e2e>');
  process.exit(2);
}
const resultsDir = join('dist', 'test-results');
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
    ...rest,
  ],
  { stdio: 'inherit', env: { ...process.env, FERRY_TEST_KIND: kind } },
);
process.exit(result.status ?? 1);
