import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY_MS = 86_400_000;

/** The sandbox's own certificate authority: created once per state directory, then reused. */
export interface SandboxCa {
  /** Absolute path of the CA certificate (PEM) clients are told to trust. */
  readonly caPath: string;
  readonly caPem: string;
  /** The HTTPS server's certificate chain and key, issued by the CA for loopback names. */
  readonly serverCertPem: string;
  readonly serverKeyPem: string;
}

const pem = (label: string, der: ArrayBuffer): string =>
  `-----BEGIN ${label}-----\n${Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n').trimEnd()}\n-----END ${label}-----\n`;

async function createCa(dir: string): Promise<void> {
  const keys = await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify']);
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: Buffer.from(webcrypto.getRandomValues(new Uint8Array(12))).toString('hex'),
    name: 'CN=Ferry sandbox CA, O=Ferry sandbox (tests only)',
    notBefore: new Date(now - DAY_MS),
    notAfter: new Date(now + 3650 * DAY_MS),
    signingAlgorithm: ALG,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  writeFileSync(join(dir, 'ca-key.pem'), pem('PRIVATE KEY', await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)), { mode: 0o600 });
  writeFileSync(join(dir, 'ca.pem'), cert.toString('pem') + '\n');
}

async function issueServerCert(dir: string): Promise<void> {
  const caCert = new x509.X509Certificate(readFileSync(join(dir, 'ca.pem'), 'utf8'));
  const caKeyDer = Buffer.from(
    readFileSync(join(dir, 'ca-key.pem'), 'utf8').replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''),
    'base64',
  );
  const caKey = await webcrypto.subtle.importKey('pkcs8', caKeyDer, ALG, false, ['sign']);
  const keys = await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify']);
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: Buffer.from(webcrypto.getRandomValues(new Uint8Array(12))).toString('hex'),
    subject: 'CN=localhost',
    issuer: caCert.subject,
    notBefore: new Date(now - DAY_MS),
    notAfter: new Date(now + 365 * DAY_MS),
    signingAlgorithm: ALG,
    publicKey: keys.publicKey,
    signingKey: caKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([
        { type: 'dns', value: 'localhost' },
        { type: 'ip', value: '127.0.0.1' },
        { type: 'ip', value: '::1' },
      ]),
      await x509.AuthorityKeyIdentifierExtension.create(caCert),
    ],
  });
  writeFileSync(join(dir, 'server-key.pem'), pem('PRIVATE KEY', await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)), { mode: 0o600 });
  writeFileSync(join(dir, 'server.pem'), cert.toString('pem') + '\n');
}

/** Valid for another week and signed by this directory's CA (a pair from two writers is not). */
async function serverCertValid(dir: string): Promise<boolean> {
  if (!existsSync(join(dir, 'server.pem')) || !existsSync(join(dir, 'server-key.pem'))) return false;
  const cert = new x509.X509Certificate(readFileSync(join(dir, 'server.pem'), 'utf8'));
  const ca = new x509.X509Certificate(readFileSync(join(dir, 'ca.pem'), 'utf8'));
  return cert.notAfter.getTime() - Date.now() > 7 * DAY_MS && (await cert.verify({ publicKey: ca.publicKey, signatureOnly: true }));
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Several processes (parallel test runners, a runner and a script) may create the CA at once; a
 * lock directory serialises them. A lock older than 30 s belongs to a process that died holding it.
 */
async function withLock<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  const lock = join(dir, '.lock');
  for (let attempt = 0; ; attempt++) {
    try {
      mkdirSync(lock);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      try {
        if (Date.now() - statSync(lock).mtimeMs > 30_000) rmSync(lock, { recursive: true, force: true });
      } catch {
        // the holder just released it
      }
      if (attempt > 600) throw new Error(`sandbox CA: gave up waiting for ${lock}`);
      await sleep(50);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * Returns the CA in `dir`, creating it (and a loopback server certificate) on first use. The CA is
 * kept so that a process started with `NODE_EXTRA_CA_CERTS=<caPath>` trusts every later sandbox.
 */
export async function ensureSandboxCa(dir: string): Promise<SandboxCa> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  await withLock(dir, async () => {
    if (!existsSync(join(dir, 'ca.pem')) || !existsSync(join(dir, 'ca-key.pem'))) await createCa(dir);
    if (!(await serverCertValid(dir))) await issueServerCert(dir);
  });
  return {
    caPath: join(dir, 'ca.pem'),
    caPem: readFileSync(join(dir, 'ca.pem'), 'utf8'),
    serverCertPem: readFileSync(join(dir, 'server.pem'), 'utf8'),
    serverKeyPem: readFileSync(join(dir, 'server-key.pem'), 'utf8'),
  };
}
