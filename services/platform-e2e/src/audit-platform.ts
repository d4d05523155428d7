import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Streams } from '@ferry/contracts';
import { createTestDatabase, freePort, natsTestNamespace, TEST_NATS_URL, type TestDatabase } from '@ferry/platform/testing';
import { connect, DiscardPolicy, type NatsConnection } from 'nats';
import { Client } from 'pg';
import { baseEnv, httpStatus, type ServiceProcess, spawnService, until } from './service-process';

/** The audit service's durable consumer on the AUDIT stream (services/audit/README.md). */
const AUDIT_CONSUMER = 'audit-store';

/**
 * The audit service's ack wait here: what a killed audit process held (delivered, not acked) goes to
 * the next one this long after the kill (FERRY_AUDIT_CONSUMER_ACK_WAIT_MS; 10 s by default).
 */
export const AUDIT_ACK_WAIT_MS = 5000;

/** The services an organisation's sign-ins, connector changes and audit trail go through. */
const SERVICES = ['audit', 'identity', 'connectors', 'gateway'] as const;
type ServiceName = (typeof SERVICES)[number];

/**
 * Gateway, identity, connectors and audit as separate processes (built, from dist/) on this machine's
 * NATS (a run prefix of their own) and PostgreSQL (a database of their own), each of which a test can
 * stop, kill and start again; plus direct handles on the AUDIT stream and the database.
 */
export interface AuditPlatform {
  /** The gateway's `/api/v1` base URL. */
  readonly api: string;
  /** The platform admin's password, as identity created the account at first start. */
  readonly platformPassword: string;
  readonly prefix: string;
  /** The prefixed name of the run's AUDIT stream. */
  readonly auditStream: string;
  readonly databaseUrl: string;
  /** The audit signing key's public half (what scripts/audit/verify.mjs checks checkpoints with). */
  readonly publicKeyFile: string;
  /** A connection to the run's database, as an operator (or an attacker) with write access has. */
  readonly sql: Client;
  readonly nats: NatsConnection;
  /** Everything a service process wrote so far. */
  output(name: ServiceName): string;
  /** Signals the audit service (SIGTERM drains, SIGKILL does not) and waits for it to exit. */
  stopAudit(signal: 'SIGTERM' | 'SIGKILL'): Promise<number | null>;
  /** Starts the audit service again (same settings) and waits until it is ready. */
  startAudit(): Promise<void>;
  /** Makes the AUDIT stream refuse every publish (full: no more messages, discard new), or take them again. */
  refuseAuditPublishes(refuse: boolean): Promise<void>;
  /** The audit consumer's ack wait as the server has it, in ms (the service runs with AUDIT_ACK_WAIT_MS). */
  auditAckWaitMs(): Promise<number>;
  close(): Promise<void>;
}

export async function startAuditPlatform(label: string): Promise<AuditPlatform> {
  const ns = natsTestNamespace(label);
  const database = await createTestDatabase(label);
  const dir = mkdtempSync(join(tmpdir(), `ferry-e2e-${label}-`));
  const nats = await connect({ servers: TEST_NATS_URL });
  const sql = new Client({ connectionString: database.url });
  const processes = new Map<ServiceName, ServiceProcess>();
  const ports = new Map<ServiceName, number>();
  try {
    await sql.connect();
    const envs = await serviceEnvironments(dir, ns.prefix, database);
    for (const name of SERVICES) ports.set(name, Number(envs[name]['HTTP_PORT']));
    const start = async (name: ServiceName) => {
      processes.set(name, spawnService(name, envs[name]));
      await until(`${name} ready`, async () => {
        if (processes.get(name)?.child.exitCode !== null) throw new Error(`${name} exited:\n${processes.get(name)?.output().slice(-3000)}`);
        return (await httpStatus(`http://127.0.0.1:${ports.get(name)}/health/ready`)) === 200;
      }, 90_000);
    };
    // The audit service first: the others publish to the stream it declares (they would declare it too).
    await start('audit');
    await Promise.all(SERVICES.filter((n) => n !== 'audit').map(start));
    const auditStream = `${ns.prefix.toUpperCase().replace(/-/g, '_')}_${Streams.audit.name}`;
    return {
      api: `http://127.0.0.1:${ports.get('gateway')}/api/v1`,
      platformPassword: readFileSync(join(dir, 'platform-admin.password'), 'utf8').trim(),
      prefix: ns.prefix,
      auditStream,
      databaseUrl: database.url,
      publicKeyFile: join(dir, 'audit-signing.pub.pem'),
      sql,
      nats,
      output: (name) => processes.get(name)?.output() ?? '',
      async stopAudit(signal) {
        const audit = processes.get('audit');
        if (!audit || audit.child.exitCode !== null) return audit?.child.exitCode ?? null;
        audit.child.kill(signal);
        return audit.exited;
      },
      startAudit: () => start('audit'),
      async refuseAuditPublishes(refuse) {
        const jsm = await nats.jetstreamManager();
        const { config, state } = await jsm.streams.info(auditStream);
        await jsm.streams.update(auditStream, {
          ...config,
          max_msgs: refuse ? state.messages : -1,
          discard: refuse ? DiscardPolicy.New : DiscardPolicy.Old,
        });
      },
      async auditAckWaitMs() {
        const info = await (await nats.jetstreamManager()).consumers.info(auditStream, AUDIT_CONSUMER);
        return (info.config.ack_wait ?? 0) / 1e6;
      },
      close: () => stopAll(),
    };
  } catch (err) {
    await stopAll();
    throw err;
  }

  async function stopAll(): Promise<void> {
    await Promise.all(
      [...processes.values()].map(async (p) => {
        if (p.child.exitCode !== null) return;
        p.child.kill('SIGTERM');
        await Promise.race([p.exited, new Promise((r) => setTimeout(r, 10_000))]);
        if (p.child.exitCode === null) p.child.kill('SIGKILL');
      }),
    );
    await sql.end().catch(() => undefined);
    // The run's streams, and its KV buckets (the audit witness, identity's keys), whose streams are KV_<PREFIX>_...
    const jsm = await nats.jetstreamManager();
    const upper = ns.prefix.toUpperCase().replace(/-/g, '_');
    for await (const name of jsm.streams.names()) {
      if (name.startsWith(`KV_${upper}_`)) await jsm.streams.delete(name);
    }
    await nats.close();
    await ns.cleanup();
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Each service's environment, as `npm start`'s supervisor sets it, with keys and files under `dir`. */
async function serviceEnvironments(dir: string, prefix: string, database: TestDatabase): Promise<Record<ServiceName, Record<string, string>>> {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  writeFileSync(join(dir, 'audit-signing.key.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  writeFileSync(join(dir, 'audit-signing.pub.pem'), publicKey.export({ type: 'spki', format: 'pem' }));
  writeFileSync(join(dir, 'platform-admin.password'), `${randomBytes(18).toString('base64url')}\n`, { mode: 0o600 });
  // No broker caller runs here (no migration, free/busy or mail routing), but connectors wants one to trust.
  mkdirSync(join(dir, 'trust'));
  writeFileSync(join(dir, 'trust', 'migration.pem'), generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }));
  const common = {
    NATS_URL: TEST_NATS_URL,
    FERRY_NATS_PREFIX: prefix,
    FERRY_PSEUDONYM_KEY: randomBytes(32).toString('base64'),
    LOG_LEVEL: 'info',
  };
  const service = async (extra: Record<string, string>) => baseEnv({ ...common, HTTP_PORT: String(await freePort()), ...extra });
  return {
    audit: await service({
      DATABASE_URL: database.url,
      FERRY_AUDIT_SIGNING_KEY_FILE: join(dir, 'audit-signing.key.pem'),
      FERRY_AUDIT_CONSUMER_ACK_WAIT_MS: String(AUDIT_ACK_WAIT_MS),
    }),
    identity: await service({
      DATABASE_URL: database.url,
      FERRY_KEK_PROVIDER: 'local',
      FERRY_KEK_FILE: join(dir, 'identity-kek.json'),
      FERRY_BOOTSTRAP_ADMIN_LOGIN: 'platform-admin',
      FERRY_BOOTSTRAP_ADMIN_PASSWORD_FILE: join(dir, 'platform-admin.password'),
    }),
    connectors: await service({
      DATABASE_URL: database.url,
      FERRY_KEK_PROVIDER: 'local',
      FERRY_KEK_FILE: join(dir, 'kek.json'),
      FERRY_SERVICE_TRUST_DIR: join(dir, 'trust'),
      FERRY_OUTBOUND_ALLOW: '127.0.0.1',
    }),
    gateway: await service({}),
  };
}
