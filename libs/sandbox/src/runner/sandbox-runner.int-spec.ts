import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const root = join(__dirname, '..', '..', '..', '..');
const hook = join(root, 'libs/platform/telemetry/src/testing/ts-require.hook.cjs');
const main = join(root, 'libs/sandbox/src/runner/sandbox.main.ts');

interface Run {
  firstLine: Promise<string>;
  exit: Promise<{ code: number | null; stderr: string }>;
  stop(): void;
}

const children = new Set<ReturnType<typeof spawn>>();

function run(args: string[]): Run {
  const child = spawn(process.execPath, ['-r', hook, main, ...args], { cwd: root, env: { ...process.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  child.once('exit', () => children.delete(child));
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const lines = createInterface({ input: child.stdout });
  const firstLine = new Promise<string>((resolve) => lines.once('line', resolve));
  const exit = new Promise<{ code: number | null; stderr: string }>((resolve) => child.once('exit', (code) => resolve({ code, stderr })));
  return { firstLine, exit, stop: () => child.kill('SIGTERM') };
}

// Sandbox start-up generates RSA keys; on a loaded 2-core machine that outlasts jest's 5 s default.
jest.setTimeout(30_000);

describe('npm run sandbox (the runner)', () => {
  // A failed assertion must not leave a runner behind: its open stdout would keep jest from exiting.
  afterEach(() => {
    for (const child of children) child.kill('SIGKILL');
  });

  it('prints one JSON line with every base URL and the seeded credentials first, then serves until SIGTERM', async () => {
    const r = run(['--scenario', 'default', '--state-dir', process.env['FERRY_SANDBOX_DIR'] ?? '']);
    const endpoints = JSON.parse(await r.firstLine) as Record<string, unknown> & { microsoft: Record<string, string>; google: Record<string, unknown> & { serviceAccountKey: Record<string, string> } };
    expect(Object.keys(endpoints)).toEqual(expect.arrayContaining(['graph', 'entraAuthority', 'googleRoot', 'googleTokenUri', 'inspect', 'ca', 'microsoft', 'google']));
    expect(endpoints['graph']).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/v1\.0$/);
    expect(endpoints['googleRoot']).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/$/);
    expect(endpoints['ca']).toBe(process.env['NODE_EXTRA_CA_CERTS']);
    expect(Object.keys(endpoints.microsoft).sort()).toEqual(['clientId', 'clientSecret', 'domain', 'tenantId']);
    expect(endpoints.google['adminUser']).toMatch(/^admin@/);
    expect(endpoints.google.serviceAccountKey).toMatchObject({ type: 'service_account', token_uri: endpoints['googleTokenUri'], private_key: expect.stringContaining('BEGIN PRIVATE KEY') as string });
    // Served over HTTPS that this process trusts only through NODE_EXTRA_CA_CERTS (no insecure mode).
    const discovery = await fetch(`${String(endpoints['entraAuthority'])}/${endpoints.microsoft['tenantId'] ?? ''}/v2.0/.well-known/openid-configuration`);
    expect(discovery.status).toBe(200);
    r.stop();
    const { code, stderr } = await r.exit;
    expect(code).toBe(0);
    expect(stderr).not.toContain(endpoints.microsoft['clientSecret'] ?? 'x');
  });

  it('exits 64 naming an unknown scenario, and 65 naming the bad field of a scenario file', async () => {
    const unknown = await run(['--scenario', 'no-such-scenario']).exit;
    expect(unknown.code).toBe(64);
    expect(unknown.stderr).toContain("unknown scenario 'no-such-scenario'");
    const dir = mkdtempSync(join(tmpdir(), 'sbx-scenario-'));
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ name: 'bad', microsoft: { tenants: [{ domain: 'contoso.example', users: 'many' }] } }));
    const invalid = await run(['--scenario', bad, '--state-dir', dir]).exit;
    expect(invalid.code).toBe(65);
    expect(invalid.stderr).toContain('microsoft.tenants.0.users');
    const notJson = join(dir, 'broken.json');
    writeFileSync(notJson, '{ "name": ');
    const broken = await run(['--scenario', notJson, '--state-dir', dir]).exit;
    expect(broken.code).toBe(65);
    expect(broken.stderr).toContain('not valid JSON');
  });

  it('refuses a port that is not a port', async () => {
    const r = await run(['--port', '70000']).exit;
    expect(r.code).toBe(64);
    expect(r.stderr).toContain('--port');
  });
});
