import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { promisify } from 'node:util';
import type { ImapEndpoint, ImapSecurity } from '../imap-endpoint';
import { dovecotConfig } from './dovecot-config';
import { issueTestCertificates } from './test-certificates';

/** A mailbox user (or the master user) of a test Dovecot. */
export interface DovecotUser {
  readonly username: string;
  readonly password: string;
}

export interface DovecotOptions {
  readonly users: readonly DovecotUser[];
  /** A Dovecot master user: logs in as any existing user with `user*master` and its own password. */
  readonly masterUser?: DovecotUser;
  /** DNS names the server certificate carries besides its IP address (default none). */
  readonly hostNames?: readonly string[];
  /** How long Dovecot may take to accept connections (default 15 s). */
  readonly startTimeoutMs?: number;
}

/** A running private Dovecot. */
export interface DovecotServer {
  /**
   * A loopback address other than 127.0.0.1: Dovecot treats a connection whose two ends share one
   * address as secure and would then accept a plaintext login, which would hide a missing STARTTLS.
   */
  readonly host: string;
  readonly implicitTlsPort: number;
  /** Plain IMAP offering STARTTLS; logins are refused before it. */
  readonly starttlsPort: number;
  /** The CA that issued the server certificate (fresh per server, trusted by nobody by default). */
  readonly caPem: string;
  readonly users: readonly DovecotUser[];
  readonly masterUser?: DovecotUser;
  /** The private directory (config, keys, maildirs, `dovecot.log`); gone after `stop()`. */
  readonly directory: string;
  /** This server as an {@link ImapEndpoint} in the given mode, its CA included. */
  endpoint(security: ImapSecurity): ImapEndpoint;
  /** Stops Dovecot and deletes its directory (config, keys, maildirs, log). Safe to call twice. */
  stop(): Promise<void>;
}

const DOVECOT = '/usr/sbin/dovecot';
const DOVEADM = '/usr/bin/doveadm';
const HOST = '127.0.0.2';
const USER_NAME = /^[A-Za-z0-9._@+-]{1,64}$/;
const running = new Set<ChildProcess>();
let exitHookInstalled = false;

/**
 * Starts a private Dovecot (tests only): its own temp directory, the current user, `-F` in the foreground
 * as a child of the test process, free ports on a loopback address, a fresh CA. Parallel test runs each
 * get their own. Throws with the tail of Dovecot's log if it does not come up.
 */
export async function startDovecot(options: DovecotOptions): Promise<DovecotServer> {
  if (!existsSync(DOVECOT)) {
    throw new Error(`Dovecot is not installed (${DOVECOT}); apt-get install dovecot-imapd`);
  }
  for (const user of [...options.users, ...(options.masterUser ? [options.masterUser] : [])]) {
    if (!USER_NAME.test(user.username)) {
      throw new Error('Dovecot test users: names are 1-64 of A-Z a-z 0-9 . _ @ + -');
    }
  }
  const dir = mkdtempSync(join(tmpdir(), 'ferry-dovecot-'));
  try {
    return await startIn(dir, options);
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

/** Writes the certificates and passwd files and gives the mail directory to the mail user. */
async function prepare(dir: string, options: DovecotOptions) {
  const root = process.getuid?.() === 0;
  // Root runs mail processes as nobody, which must reach its maildir below the private directory.
  chmodSync(dir, root ? 0o711 : 0o700);
  mkdirSync(join(dir, 'mail'));
  const mailOwner = root ? systemUser('nobody') : { uid: userInfo().uid, gid: userInfo().gid };
  if (root) chownSync(join(dir, 'mail'), mailOwner.uid, mailOwner.gid);
  // Dovecot's auth process runs as its internal user and reads the passwd files.
  const authOwner = root ? systemUser('dovecot') : undefined;
  const certificates = await issueTestCertificates(dir, { ips: [HOST], dnsNames: options.hostNames ?? [] });
  const usersFile = join(dir, 'users');
  await writePasswdFile(usersFile, options.users, authOwner);
  const masterUsersFile = options.masterUser ? join(dir, 'master-users') : undefined;
  if (masterUsersFile && options.masterUser) {
    await writePasswdFile(masterUsersFile, [options.masterUser], authOwner);
  }
  return {
    certificates,
    config: {
      dir,
      host: HOST,
      certPath: certificates.certPath,
      keyPath: certificates.keyPath,
      usersFile,
      ...(masterUsersFile ? { masterUsersFile } : {}),
      mailUid: mailOwner.uid,
      mailGid: mailOwner.gid,
      ...(root ? {} : { unprivileged: { user: userInfo().username, group: groupName(userInfo().gid) } }),
    },
  };
}

async function startIn(dir: string, options: DovecotOptions): Promise<DovecotServer> {
  const { certificates, config } = await prepare(dir, options);
  // Free ports can be taken between the probe and Dovecot's bind: try again with new ones.
  for (let attempt = 1; ; attempt++) {
    const [starttlsPort, implicitTlsPort] = [await freePort(), await freePort()];
    const configPath = join(dir, 'dovecot.conf');
    const instanceName = `ferry-test-${randomBytes(4).toString('hex')}`;
    writeFileSync(configPath, dovecotConfig({ ...config, instanceName, starttlsPort, implicitTlsPort }), {
      mode: 0o600,
    });
    rmSync(join(dir, 'dovecot.log'), { force: true });
    const child = spawn(DOVECOT, ['-F', '-c', configPath], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.on('error', () => undefined); // a failed spawn shows as an exit, which waitUntilReady reports
    track(child);
    const output = captureOutput(child);
    try {
      await waitUntilReady(
        child,
        { starttlsPort, implicitTlsPort, caPem: certificates.caPem },
        options.startTimeoutMs ?? 15_000,
      );
    } catch (err) {
      await terminate(child);
      const log = `${output()}\n${tail(join(dir, 'dovecot.log'))}`.trim();
      if (attempt < 3 && /Address already in use/.test(log)) continue;
      throw new Error(`Dovecot did not start (${(err as Error).message}). Log tail:\n${log}`);
    }
    let stopped = false;
    return {
      host: HOST,
      implicitTlsPort,
      starttlsPort,
      caPem: certificates.caPem,
      users: options.users,
      directory: dir,
      ...(options.masterUser ? { masterUser: options.masterUser } : {}),
      endpoint: (security) => ({
        host: HOST,
        port: security === 'implicit-tls' ? implicitTlsPort : starttlsPort,
        security,
        ca: certificates.caPem,
      }),
      async stop() {
        if (stopped) return;
        stopped = true;
        await terminate(child);
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
}

/** `user:{SHA512-CRYPT}hash::::::` lines, hashed by `doveadm pw` (test passwords only, hence on its argv). */
async function writePasswdFile(
  path: string,
  users: readonly DovecotUser[],
  owner: { uid: number; gid: number } | undefined,
): Promise<void> {
  const lines = await Promise.all(
    users.map(async ({ username, password }) => {
      const { stdout } = await promisify(execFile)(
        DOVEADM,
        ['-c', '/dev/null', 'pw', '-s', 'SHA512-CRYPT', '-p', password],
        {
          timeout: 10_000,
        },
      );
      return `${username}:${stdout.trim()}::::::\n`;
    }),
  );
  writeFileSync(path, lines.join(''), { mode: 0o600 });
  if (owner) chownSync(path, owner.uid, owner.gid);
}

/** A system account's ids (`nobody`, and `dovecot`, which Debian's dovecot-core package creates). */
function systemUser(name: string): { uid: number; gid: number } {
  const entry = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .map((line) => line.split(':'))
    .find((fields) => fields[0] === name);
  if (!entry) throw new Error(`Dovecot test server: no "${name}" user in /etc/passwd`);
  return { uid: Number(entry[2]), gid: Number(entry[3]) };
}

function groupName(gid: number): string {
  const entry = readFileSync('/etc/group', 'utf8')
    .split('\n')
    .map((line) => line.split(':'))
    .find((fields) => fields[2] === String(gid));
  if (!entry?.[0]) throw new Error(`Dovecot test server: no group ${gid} in /etc/group`);
  return entry[0];
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, HOST, () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/**
 * Ready means both ports greet with their capabilities: Dovecot binds its listeners before it starts,
 * and says "Waiting for authentication process" while auth is starting. The TLS port is probed with a
 * full handshake: a bare TCP probe leaves a login process that holds up Dovecot's shutdown for seconds.
 */
async function waitUntilReady(
  child: ChildProcess,
  ports: { starttlsPort: number; implicitTlsPort: number; caPem: string },
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const probes: [number, () => Promise<boolean>][] = [
    [ports.starttlsPort, () => greets(connect({ host: HOST, port: ports.starttlsPort }))],
    [
      ports.implicitTlsPort,
      () => greets(tlsConnect({ host: HOST, port: ports.implicitTlsPort, ca: ports.caPem })),
    ],
  ];
  for (const [port, probe] of probes) {
    while (!(await probe())) {
      if (child.exitCode !== null || child.signalCode !== null)
        throw new Error(`it exited with ${child.exitCode ?? child.signalCode}`);
      if (Date.now() > deadline) throw new Error(`port ${port} not ready after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

/** Whether the first line on `socket` is an IMAP greeting with capabilities; logs out politely if so. */
function greets(socket: Socket): Promise<boolean> {
  return new Promise((resolve) => {
    let text = '';
    const done = (ok: boolean) => {
      if (ok) socket.end('a LOGOUT\r\n');
      else socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000);
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1');
      if (text.includes('\n')) done(/^\* OK \[CAPABILITY /.test(text));
    });
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });
}

function captureOutput(child: ChildProcess): () => string {
  let text = '';
  const keep = (chunk: Buffer) => {
    text = (text + chunk.toString('utf8')).slice(-8_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return () => text;
}

function tail(path: string): string {
  return existsSync(path) ? readFileSync(path, 'utf8').split('\n').slice(-30).join('\n') : '';
}

/**
 * SIGTERM until the master exits (it stops its children first; a SIGTERM in its first moments is lost,
 * so it is repeated), SIGKILL after 5 s.
 */
async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const repeat = setInterval(() => child.kill('SIGTERM'), 250);
    const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearInterval(repeat);
    clearTimeout(killer);
  }
  running.delete(child);
}

/** A test process that exits without stop() must not leave Dovecot running. */
function track(child: ChildProcess): void {
  running.add(child);
  child.once('exit', () => running.delete(child));
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const c of running) c.kill('SIGKILL');
  });
}
