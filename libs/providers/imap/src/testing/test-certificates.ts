import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A throw-away CA and a server certificate it issued, as files for Dovecot and the CA as PEM for clients. */
export interface TestCertificates {
  readonly caPem: string;
  readonly certPath: string;
  readonly keyPath: string;
}

/**
 * Creates a fresh P-256 CA and a server certificate for `ips` and `dnsNames` in `dir`, valid for two days,
 * with the `openssl` CLI (a dependency of Debian's dovecot-core, so present wherever Dovecot is).
 * A fresh CA per server means no test trusts it by accident: a client trusts it only when given `caPem`.
 */
export async function issueTestCertificates(
  dir: string,
  names: { readonly ips: readonly string[]; readonly dnsNames: readonly string[] },
): Promise<TestCertificates> {
  const file = (name: string) => join(dir, name);
  // A self-signed (or, with -CA, CA-signed) certificate and a new P-256 key, valid for two days.
  const request = (keyFile: string, certFile: string, subject: string, ...extensions: string[]) => [
    ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2'],
    ...['-keyout', file(keyFile), '-out', file(certFile), '-subj', subject],
    ...extensions.flatMap((extension) => ['-addext', extension]),
  ];
  await openssl(
    request(
      'ca.key',
      'ca.pem',
      '/CN=Ferry test IMAP CA',
      'basicConstraints=critical,CA:TRUE',
      'keyUsage=critical,keyCertSign,cRLSign',
    ),
  );
  const altNames = [...names.ips.map((ip) => `IP:${ip}`), ...names.dnsNames.map((dns) => `DNS:${dns}`)];
  await openssl([
    ...request(
      'server.key',
      'server.pem',
      `/CN=${names.dnsNames[0] ?? names.ips[0] ?? 'localhost'}`,
      'basicConstraints=critical,CA:FALSE',
      'keyUsage=critical,digitalSignature',
      'extendedKeyUsage=serverAuth',
      `subjectAltName=${altNames.join(',')}`,
    ),
    ...['-CA', file('ca.pem'), '-CAkey', file('ca.key')],
  ]);
  return {
    caPem: readFileSync(file('ca.pem'), 'utf8'),
    certPath: file('server.pem'),
    keyPath: file('server.key'),
  };
}

async function openssl(args: string[]): Promise<void> {
  try {
    await run('openssl', args, { timeout: 15_000 });
  } catch (err) {
    const { stderr } = err as { stderr?: unknown };
    const detail = typeof stderr === 'string' ? stderr.trim().slice(-500) : '';
    throw new Error(`openssl ${args[0]} failed: ${detail || (err as Error).message}`);
  }
}
