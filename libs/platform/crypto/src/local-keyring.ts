import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { link, mkdir, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { AES_GCM } from './aes-gcm';
import { KeyringError } from './errors';

/** Keyring file format version this library reads and writes. */
export const KEYRING_FILE_VERSION = 1;

const MAX_FILE_BYTES = 1024 * 1024;
/** Shape of a local key id. */
export const KEY_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;
const TOP_LEVEL_FIELDS = ['version', 'activeKeyId', 'keys'];
// Permission bits are not meaningful on Windows; there the file's ACL is the operator's job.
const CHECK_MODE = process.platform !== 'win32';

/** Decoded keyring: key ids in file order, raw 32-byte keys. */
export interface Keyring {
  readonly activeKeyId: string;
  readonly keys: ReadonlyMap<string, Buffer>;
}

/** A new key id: sortable by creation date, unique across keyrings. */
export function newKeyId(now = new Date()): string {
  const day = now.toISOString().slice(0, 10).replaceAll('-', '');
  return `kek-${day}-${randomBytes(4).toString('hex')}`;
}

/** A keyring holding one fresh random key, active. */
export function newKeyring(): Keyring {
  const id = newKeyId();
  return { activeKeyId: id, keys: new Map([[id, randomBytes(AES_GCM.keyBytes)]]) };
}

/**
 * Reads and validates the keyring file; returns undefined when it does not exist. Refuses files that
 * group or others may access, checked on the opened descriptor so the file cannot be swapped meanwhile.
 */
export async function readKeyringFile(path: string): Promise<Keyring | undefined> {
  let handle;
  try {
    handle = await open(path, constants.O_RDONLY);
  } catch (error: unknown) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw new KeyringError(
      path,
      `keyring file ${path} cannot be opened (${errorCode(error) ?? 'unknown error'})`,
    );
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new KeyringError(path, `keyring path ${path} is not a regular file`);
    const mode = stat.mode & 0o777;
    if (CHECK_MODE && (mode & 0o077) !== 0) {
      throw new KeyringError(
        path,
        `keyring file ${path} has mode 0${mode.toString(8)} and is accessible to group or others; it holds ` +
          `the keys protecting every stored credential. Fix: chmod 600 ${path}`,
      );
    }
    if (stat.size > MAX_FILE_BYTES) {
      throw new KeyringError(path, `keyring file ${path} is larger than ${MAX_FILE_BYTES} bytes`);
    }
    return parseKeyring(path, await handle.readFile('utf8'));
  } finally {
    await handle.close();
  }
}

/**
 * Validates keyring JSON: `{ version: 1, activeKeyId, keys: { [id]: base64 of 32 bytes } }`. Messages
 * name the field at fault but never quote the file, which would leak key material.
 */
export function parseKeyring(path: string, text: string): Keyring {
  const fail: (problem: string) => never = (problem) => {
    throw new KeyringError(path, `keyring file ${path} is malformed: ${problem}`);
  };
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    // JSON.parse's own message quotes the input, so it is deliberately dropped.
    fail('not valid JSON');
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) fail('expected a JSON object');
  const record = doc as Record<string, unknown>;
  if (Object.keys(record).some((field) => !TOP_LEVEL_FIELDS.includes(field))) {
    fail(`unexpected top-level field (allowed: ${TOP_LEVEL_FIELDS.join(', ')})`);
  }
  if (record['version'] !== KEYRING_FILE_VERSION) fail(`'version' must be ${KEYRING_FILE_VERSION}`);
  const activeKeyId = record['activeKeyId'];
  if (typeof activeKeyId !== 'string' || !KEY_ID_PATTERN.test(activeKeyId)) {
    fail(`'activeKeyId' must be a key id matching ${KEY_ID_PATTERN.source}`);
  }
  const rawKeys = record['keys'];
  if (typeof rawKeys !== 'object' || rawKeys === null || Array.isArray(rawKeys)) {
    fail(`'keys' must be an object of key id to base64 key`);
  }
  const keys = new Map<string, Buffer>();
  for (const [id, encoded] of Object.entries(rawKeys as Record<string, unknown>)) {
    if (!KEY_ID_PATTERN.test(id)) fail(`a key id in 'keys' does not match ${KEY_ID_PATTERN.source}`);
    const bytes = typeof encoded === 'string' ? Buffer.from(encoded, 'base64') : undefined;
    if (!bytes || bytes.length !== AES_GCM.keyBytes || bytes.toString('base64') !== encoded) {
      fail(`key '${id}' must be the base64 encoding of ${AES_GCM.keyBytes} bytes`);
    }
    keys.set(id, bytes);
  }
  if (!keys.has(activeKeyId)) fail(`'activeKeyId' names a key that is not in 'keys'`);
  return { activeKeyId, keys };
}

/**
 * Writes the keyring atomically (temp file, fsync, then link or rename) with mode 0600, creating its
 * directory with mode 0700. With `exclusive`, fails with EEXIST if another process created it first.
 */
export async function writeKeyringFile(path: string, keyring: Keyring, exclusive: boolean): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const temp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temp, 'wx', 0o600);
  try {
    await handle.chmod(0o600);
    await handle.writeFile(serialiseKeyring(keyring), 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    if (exclusive) {
      await link(temp, path);
    } else {
      await rename(temp, path);
    }
  } finally {
    await unlink(temp).catch(() => undefined);
  }
  await syncDirectory(dir);
}

function serialiseKeyring(keyring: Keyring): string {
  const keys = Object.fromEntries([...keyring.keys].map(([id, key]) => [id, key.toString('base64')]));
  return `${JSON.stringify({ version: KEYRING_FILE_VERSION, activeKeyId: keyring.activeKeyId, keys }, null, 2)}\n`;
}

async function syncDirectory(dir: string): Promise<void> {
  try {
    const handle = await open(dir, constants.O_RDONLY);
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Directory fsync is unsupported on some platforms; the rename itself is still atomic.
  }
}

/** The `code` of a Node system error, if it has one. */
export function errorCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const code = error.code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}
