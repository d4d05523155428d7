import { spawn } from 'node:child_process';
import { join } from 'node:path';

/** The require hook that lets plain `node` load this repository's TypeScript (swc, path aliases). */
const TS_REQUIRE_HOOK = join(__dirname, '..', '..', 'telemetry', 'src', 'testing', 'ts-require.hook.cjs');

/** How a child process ended, with everything it wrote. */
export interface ProcessRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs a TypeScript file in a fresh Node process, with only `PATH` and `env` in its environment, and
 * resolves once it exits. For tests of what a whole process does: OpenTelemetry instrumentation patches
 * modules as they load, which a Jest worker's own module registry never does.
 */
export function runTypeScriptProcess(file: string, env: Record<string, string>): Promise<ProcessRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', TS_REQUIRE_HOOK, file], {
      env: { PATH: process.env['PATH'] ?? '', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}
