// Starts the sandbox clouds as their own process, exactly as `npm run sandbox` does, and hands back
// the endpoints from the runner's first stdout line. Used by the demo and the benchmarks.
// Needs a build (scripts/build.mjs) first.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

const ROOT = resolve(import.meta.dirname, '..', '..');
const RUNNER = join(ROOT, 'dist', 'libs', 'sandbox', 'src', 'runner', 'sandbox.main.js');
export const DEFAULT_STATE_DIR = join(ROOT, '.ferry', 'sandbox');

/**
 * Node trusts an extra CA only when NODE_EXTRA_CA_CERTS names it at process start, so a script that
 * talks to the sandbox calls this first: it creates the sandbox CA if needed and, unless this
 * process already trusts it, runs the same script again with the variable set and exits with its code.
 */
export async function relaunchTrustingSandboxCa(stateDir = DEFAULT_STATE_DIR) {
  const require = createRequire(import.meta.url);
  const { ensureSandboxCa } = require(join(ROOT, 'dist', 'libs', 'sandbox', 'src', 'tls', 'certificate-authority.js'));
  const { caPath } = await ensureSandboxCa(stateDir);
  if (process.env.NODE_EXTRA_CA_CERTS === caPath) return caPath;
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], { stdio: 'inherit', env: { ...process.env, NODE_EXTRA_CA_CERTS: caPath } });
  // Ctrl-C reaches both processes (one process group); the child does the clean-up, the parent
  // waits for it. A signal sent to the parent alone is passed on.
  process.on('SIGINT', () => undefined);
  process.on('SIGTERM', () => child.kill('SIGTERM'));
  const code = await new Promise((r) => child.once('exit', (c, signal) => r(c ?? (signal === 'SIGINT' ? 130 : 1))));
  process.exit(code);
}

/**
 * @param {{ scenario?: string, port?: number, stateDir?: string, onLog?: (line: string) => void }} options
 * @returns {Promise<{ endpoints: any, pid: number, seededLine: Promise<string>, stop: () => Promise<void> }>}
 */
export async function startSandboxProcess(options = {}) {
  if (!existsSync(RUNNER)) throw new Error('the sandbox is not built: run `node scripts/build.mjs` first');
  const args = [RUNNER, '--scenario', options.scenario ?? 'default', '--port', String(options.port ?? 0)];
  if (options.stateDir) args.push('--state-dir', options.stateDir);
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let resolveSeeded;
  const seededLine = new Promise((r) => (resolveSeeded = r));
  createInterface({ input: child.stderr }).on('line', (line) => {
    if (line.includes('seeded and serving')) resolveSeeded(line);
    options.onLog?.(line);
  });
  const exited = new Promise((r) => child.once('exit', (code, signal) => r({ code, signal })));
  const first = await new Promise((resolveLine, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.once('line', resolveLine);
    exited.then(({ code, signal }) => reject(new Error(`the sandbox exited (${code ?? signal}) before printing its endpoints`)));
  });
  const endpoints = JSON.parse(first);
  return {
    endpoints,
    pid: child.pid,
    seededLine,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
