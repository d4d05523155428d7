import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { BUILTIN_SCENARIOS } from '../scenario/builtin-scenarios';
import { startSandbox } from '../sandbox';

/**
 * `npm run sandbox -- [--scenario NAME|FILE] [--port N] [--state-dir DIR]`: starts both clouds,
 * prints one JSON line with every base URL and the seeded credentials, serves until SIGINT/SIGTERM.
 * Everything else goes to stderr, so the first stdout line is always the JSON.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { scenario: { type: 'string', default: 'default' }, port: { type: 'string', default: '0' }, 'state-dir': { type: 'string' } },
  });
  const name = values.scenario;
  let scenario: unknown = BUILTIN_SCENARIOS[name];
  if (!scenario) {
    if (!existsSync(name)) {
      process.stderr.write(`sandbox: unknown scenario '${name}': not a built-in (${Object.keys(BUILTIN_SCENARIOS).join(', ')}) and no such file\n`);
      process.exit(64);
    }
    try {
      scenario = JSON.parse(readFileSync(name, 'utf8')) as unknown;
    } catch (e) {
      process.stderr.write(`sandbox: scenario file ${name} is not valid JSON: ${(e as Error).message}\n`);
      process.exit(65);
    }
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`sandbox: --port must be an integer 0-65535, got '${values.port}'\n`);
    process.exit(64);
  }
  const stateDir = resolve(values['state-dir'] ?? process.env['FERRY_SANDBOX_DIR'] ?? join(process.cwd(), '.ferry', 'sandbox'));
  const started = performance.now();
  let sandbox: Awaited<ReturnType<typeof startSandbox>>;
  try {
    sandbox = await startSandbox({ scenario: scenario as never, port, stateDir });
  } catch (e) {
    process.stderr.write(`sandbox: ${(e as Error).message}\n`);
    process.exit(65);
  }
  process.stdout.write(`${JSON.stringify(sandbox.endpoints)}\n`);
  const rss = Math.round(process.memoryUsage().rss / 1024 / 1024);
  process.stderr.write(`sandbox: scenario '${sandbox.context.scenario.name}' seeded and serving in ${Math.round(performance.now() - started)} ms (rss ${rss} MiB)\n`);
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    void sandbox.close().then(() => process.exit(0));
    setTimeout(() => process.exit(0), 3000).unref();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

void main();
