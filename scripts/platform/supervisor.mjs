// Runs every Ferry service as its own process on one machine, with prefixed logs, and stops them all
// cleanly. Used by `npm start`, `npm run demo` and the end-to-end tests.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, createWriteStream, existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, persistentSecret, startNats, startPostgres } from './infrastructure.mjs';
import { createServiceKeyPair } from './service-keys.mjs';
import { createAuditSigningKey } from '../audit/signing-key.mjs';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The services and whether each owns tables in the database. */
export const SERVICES = [
  { name: 'audit', database: true },
  { name: 'connectors', database: true },
  { name: 'identity', database: true },
  { name: 'migration', database: true },
  { name: 'freebusy', database: false },
  { name: 'mailrouting', database: false },
  { name: 'gateway', database: false },
];

/** The services that ask the connectors service's token broker for tokens, each with its own key. */
const BROKER_CALLERS = ['migration', 'freebusy', 'mailrouting'];

const COLORS = [36, 33, 35, 32, 34, 31, 37];

// Nest's start-up chatter (one line per module and route) drowns what matters at info level.
const FRAMEWORK_CONTEXTS = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestFactory', 'NestApplication']);

/** A log line for the terminal, or undefined to leave it in the log file only. */
function formatLine(name, color, line, pad) {
  let text = line;
  try {
    const entry = JSON.parse(line);
    if (FRAMEWORK_CONTEXTS.has(entry.context) && !['debug', 'trace'].includes(process.env.LOG_LEVEL)) return undefined;
    const level = typeof entry.level === 'string' ? entry.level : ({ 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' }[entry.level] ?? entry.level);
    text = `${String(level).padEnd(5)} ${entry.context ? `[${entry.context}] ` : ''}${entry.msg ?? ''}`;
  } catch {
    // not JSON: print as is
  }
  return `\x1b[${color}m${name.padEnd(pad)} |\x1b[0m ${text}`;
}

/**
 * Starts NATS, PostgreSQL and the seven services. Returns their URLs and a stop() that sends SIGTERM,
 * waits for every process, then stops the infrastructure.
 */
export async function startPlatform({ stateDir = process.env.FERRY_STATE_DIR ?? join(ROOT, '.ferry'), quiet = false, log = console.log, extraEnv = {} } = {}) {
  // Traverse-only for others: as root, PostgreSQL runs as its own user and must reach its data
  // directory inside; the keys and passwords here are files of mode 0600.
  mkdirSync(stateDir, { recursive: true, mode: 0o711 });
  chmodSync(stateDir, 0o711);
  const logsDir = join(stateDir, 'logs');
  const tracesDir = join(stateDir, 'traces');
  mkdirSync(logsDir, { recursive: true });
  mkdirSync(tracesDir, { recursive: true });
  const say = (m) => log(`\x1b[1mferry\x1b[0m ${m}`);

  const stops = [];
  const children = [];
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await Promise.all(
      children.map(
        ({ child }) =>
          new Promise((res) => {
            if (child.exitCode !== null) return res();
            child.once('exit', res);
            child.kill('SIGTERM');
            setTimeout(() => child.exitCode === null && child.kill('SIGKILL'), 15_000).unref();
          }),
      ),
    );
    for (const s of stops.reverse()) await s().catch((e) => say(`stop failed: ${e.message}`));
  };

  try {
    const nats = await startNats(stateDir, say);
    stops.push(nats.stop);
    const pg = await startPostgres(stateDir, say);
    stops.push(pg.stop);

    const common = {
      NODE_ENV: 'production',
      NATS_URL: nats.url,
      FERRY_NATS_PREFIX: nats.external ? persistentSecret(stateDir, 'nats.prefix', () => `ferry${randomBytes(3).toString('hex')}`) : '',
      FERRY_REGION: 'local',
      FERRY_PSEUDONYM_KEY: persistentSecret(stateDir, 'pseudonym.key', () => randomBytes(32).toString('base64')),
      HTTP_HOST: '127.0.0.1',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
      SHUTDOWN_TIMEOUT_MS: '10000',
      ...extraEnv,
    };
    // The first platform admin: created by identity at its first start (it enrols TOTP at first
    // sign-in). Its password is a random file of mode 0600 in the state directory.
    const platformAdmin = { loginName: 'platform-admin', passwordFile: join(stateDir, 'platform-admin.password') };
    persistentSecret(stateDir, 'platform-admin.password', () => randomBytes(18).toString('base64url'));
    // Service identity for the token broker: one key pair per caller, created once; the connectors
    // service trusts the public halves (FERRY_SERVICE_TRUST_DIR).
    const serviceKeys = join(stateDir, 'service-keys');
    for (const caller of BROKER_CALLERS) {
      if (!existsSync(join(serviceKeys, 'trust', `${caller}.pem`))) createServiceKeyPair(caller, serviceKeys);
    }
    // The audit chain's signing key, created once; the public half verifies the chain (scripts/audit/verify.mjs).
    const auditKeys = join(stateDir, 'audit-keys');
    if (!existsSync(join(auditKeys, 'audit-signing.key.pem'))) createAuditSigningKey(auditKeys);
    const pad = Math.max(...SERVICES.map((s) => s.name.length));
    const urls = {};
    for (const [i, svc] of SERVICES.entries()) {
      const port = svc.name === 'gateway' && process.env.FERRY_GATEWAY_PORT ? Number(process.env.FERRY_GATEWAY_PORT) : await freePort();
      urls[svc.name] = `http://127.0.0.1:${port}`;
      const env = {
        ...process.env,
        ...common,
        HTTP_PORT: String(port),
        FERRY_TRACE_FILE: join(tracesDir, `${svc.name}.ndjson`),
        ...(svc.database ? { DATABASE_URL: pg.url } : {}),
        ...(svc.name === 'connectors'
          ? {
              FERRY_KEK_PROVIDER: 'local',
              FERRY_KEK_FILE: join(stateDir, 'kek.json'),
              FERRY_SERVICE_TRUST_DIR: join(serviceKeys, 'trust'),
              // The tenants of a platform on this machine are the sandbox clouds, on loopback, which
              // the SSRF guard refuses unless allow-listed.
              FERRY_OUTBOUND_ALLOW: process.env.FERRY_OUTBOUND_ALLOW ?? '127.0.0.1',
            }
          : {}),
        ...(svc.name === 'migration'
          ? {
              FERRY_SERVICE_KEY_FILE: join(serviceKeys, 'private', 'migration.key.pem'),
              // The sandbox clouds are on loopback (see connectors above); their origins come from the caller.
              FERRY_OUTBOUND_ALLOW: process.env.FERRY_OUTBOUND_ALLOW ?? '127.0.0.1',
            }
          : {}),
        ...(svc.name === 'audit' ? { FERRY_AUDIT_SIGNING_KEY_FILE: join(auditKeys, 'audit-signing.key.pem') } : {}),
        ...(svc.name === 'identity'
          ? {
              FERRY_KEK_PROVIDER: 'local',
              FERRY_KEK_FILE: join(stateDir, 'identity-kek.json'),
              FERRY_BOOTSTRAP_ADMIN_LOGIN: platformAdmin.loginName,
              FERRY_BOOTSTRAP_ADMIN_PASSWORD_FILE: platformAdmin.passwordFile,
            }
          : {}),
      };
      const child = spawn(process.execPath, ['--enable-source-maps', join(ROOT, 'dist', 'services', svc.name, 'src', 'main.js')], {
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const file = createWriteStream(join(logsDir, `${svc.name}.log`), { flags: 'a' });
      const color = COLORS[i % COLORS.length];
      for (const stream of [child.stdout, child.stderr]) {
        let buffered = '';
        stream.on('data', (chunk) => {
          file.write(chunk);
          buffered += chunk;
          const lines = buffered.split('\n');
          buffered = lines.pop() ?? '';
          if (quiet) return;
          for (const line of lines) {
            const text = line.trim() ? formatLine(svc.name, color, line, pad) : undefined;
            if (text) log(text);
          }
        });
      }
      child.once('exit', (code, signal) => {
        if (!stopping) say(`${svc.name} exited unexpectedly (${signal ?? code}); see ${join(logsDir, `${svc.name}.log`)}`);
      });
      children.push({ name: svc.name, child });
    }
    say(`started ${SERVICES.length} services; waiting for readiness`);
    await waitReady(urls, children, 90_000);
    return {
      urls,
      natsUrl: nats.url,
      databaseUrl: pg.url,
      prefix: common.FERRY_NATS_PREFIX,
      stateDir,
      tracesDir,
      logsDir,
      children,
      platformAdmin,
      auditPublicKeyFile: join(auditKeys, 'audit-signing.pub.pem'),
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

async function waitReady(urls, children, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  const pending = new Set(Object.keys(urls));
  while (pending.size > 0) {
    for (const name of [...pending]) {
      const dead = children.find((c) => c.name === name && c.child.exitCode !== null);
      if (dead) throw new Error(`${name} exited with code ${dead.child.exitCode} before it was ready`);
      try {
        const res = await fetch(`${urls[name]}/health/ready`, { signal: AbortSignal.timeout(2000) });
        if (res.ok) pending.delete(name);
      } catch {
        // not listening yet
      }
    }
    if (pending.size === 0) break;
    if (Date.now() > deadline) throw new Error(`not ready after ${timeoutMs / 1000} s: ${[...pending].join(', ')}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
