import type { KeyObject } from 'node:crypto';
import { constants } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { isServiceName, SERVICE_NAME_PATTERN } from './service-identity';
import { ServiceKeyError } from './service-identity.errors';
import { servicePrivateKey, servicePublicKeys } from './service-key.parser';

// Permission bits mean nothing on Windows; there the files' ACLs are the operator's job.
const CHECK_MODE = process.platform !== 'win32';
const MAX_PRIVATE_KEY_BYTES = 16 * 1024;
const MAX_TRUST_FILE_BYTES = 64 * 1024;
const TRUST_FILE_SUFFIX = '.pem';
const CREATE_HINT = 'create one with: node scripts/platform/service-keys.mjs <service> --out <dir>';

/**
 * Reads a service's private key (`FERRY_SERVICE_KEY_FILE`): an unencrypted PKCS#8 PEM of an EC P-256
 * key, in a regular file that neither group nor others may access (checked on the opened descriptor,
 * so the file cannot be swapped in between). In Kubernetes, mount the Secret with `defaultMode: 0400`.
 * @throws ServiceKeyError naming the file, the problem and the fix; never any key material.
 */
export async function loadServicePrivateKey(file: string): Promise<KeyObject> {
  const path = resolve(file);
  const text = await readKeyFile(path, 'service key file', MAX_PRIVATE_KEY_BYTES, (mode) =>
    (mode & 0o077) !== 0
      ? `has mode 0${mode.toString(8)} and is accessible to group or others; it lets its holder act as ` +
        `a Ferry service. Fix: chmod 600 ${path}`
      : undefined,
  );
  return servicePrivateKey(text, `service key file ${path}`);
}

/**
 * Reads the public keys a receiving service trusts (`FERRY_SERVICE_TRUST_DIR`): one `<service>.pem`
 * per calling service, each holding one or more SPKI PEM public keys (two while a key is rotated).
 * Names starting with `.` are skipped (Kubernetes keeps `..data` links in a mounted volume); any
 * other name that is not `<service name>.pem`, a file group or others may write, and an empty
 * directory are refused.
 * @returns the keys per service name, in name order.
 * @throws ServiceKeyError naming the directory or file and the problem.
 */
export async function loadTrustedServiceKeys(dir: string): Promise<Map<string, KeyObject[]>> {
  const path = resolve(dir);
  let names: string[];
  try {
    if (!(await stat(path)).isDirectory())
      throw new ServiceKeyError(`service trust path ${path} is not a directory`);
    names = await readdir(path);
  } catch (error: unknown) {
    if (error instanceof ServiceKeyError) throw error;
    throw new ServiceKeyError(`service trust directory ${path} cannot be read (${errorCode(error)})`);
  }
  const trusted = new Map<string, KeyObject[]>();
  for (const name of names.filter((n) => !n.startsWith('.')).sort()) {
    const service = name.endsWith(TRUST_FILE_SUFFIX) ? name.slice(0, -TRUST_FILE_SUFFIX.length) : undefined;
    if (!isServiceName(service)) {
      throw new ServiceKeyError(
        `service trust directory ${path} holds '${name}'; every file there must be <service>.pem with a ` +
          `service name matching ${SERVICE_NAME_PATTERN.source}`,
      );
    }
    const file = join(path, name);
    const text = await readKeyFile(file, 'trusted service key file', MAX_TRUST_FILE_BYTES, (mode) =>
      (mode & 0o022) !== 0
        ? `has mode 0${mode.toString(8)} and is writable by group or others, who could add a key that ` +
          `speaks for ${service}. Fix: chmod 644 ${file}`
        : undefined,
    );
    trusted.set(service, servicePublicKeys(text, `trusted service key file ${file}`));
  }
  if (trusted.size === 0) {
    throw new ServiceKeyError(`service trust directory ${path} holds no <service>.pem file; ${CREATE_HINT}`);
  }
  return trusted;
}

/** Reads a small regular file after checking its mode on the opened descriptor. */
async function readKeyFile(
  path: string,
  kind: string,
  maxBytes: number,
  modeProblem: (mode: number) => string | undefined,
): Promise<string> {
  let handle;
  try {
    handle = await open(path, constants.O_RDONLY);
  } catch (error: unknown) {
    const code = errorCode(error);
    throw new ServiceKeyError(
      code === 'ENOENT'
        ? `${kind} ${path} does not exist; ${CREATE_HINT}`
        : `${kind} ${path} cannot be opened (${code})`,
    );
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new ServiceKeyError(`${kind} ${path} is not a regular file`);
    const problem = CHECK_MODE ? modeProblem(info.mode & 0o777) : undefined;
    if (problem) throw new ServiceKeyError(`${kind} ${path} ${problem}`);
    if (info.size > maxBytes) throw new ServiceKeyError(`${kind} ${path} is larger than ${maxBytes} bytes`);
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}

function errorCode(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') {
    return error.code;
  }
  return 'unknown error';
}
