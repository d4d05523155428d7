#!/usr/bin/env node
// Type-aware lint of every project in one ESLint run: the TypeScript program is built once instead
// of once per project (per-project runs took minutes each once the workspace grew). The module
// boundary rule reads Nx's project graph, so compute it first and refuse to lint without it — the
// rule would otherwise be skipped with only a warning.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' };
const bin = (name) => join(root, 'node_modules', '.bin', name);

const graph = spawnSync(bin('nx'), ['show', 'projects'], { cwd: root, env, stdio: ['ignore', 'ignore', 'inherit'] });
if (graph.status !== 0 || !existsSync(join(root, '.nx', 'workspace-data', 'project-graph.json'))) {
  console.error('lint: could not compute the Nx project graph, so module boundaries cannot be checked');
  process.exit(1);
}
// One type-aware program for the whole workspace outgrew Node's default heap (about 4 GB) once the
// migration engine landed; 8 GB leaves room on a 24 GiB development machine.
const heap = (process.env.NODE_OPTIONS ?? '').includes('max-old-space-size') ? '' : ' --max-old-space-size=8192';
const r = spawnSync(bin('eslint'), ['--max-warnings', '0', 'libs', 'services', ...process.argv.slice(2)], {
  cwd: root,
  env: { ...env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''}${heap}`.trim() },
  stdio: 'inherit',
});
process.exit(r.status ?? 1);
