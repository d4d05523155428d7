import { readFileSync, statSync } from 'node:fs';
import type { KeyObject } from 'node:crypto';
import type { ChainSigner } from '@ferry/audit/application';
import { type AuditSigningKey, type ChainHead, parseAuditSigningKey, parseAuditVerifyKeys, type SignedChainHead, signChainHead } from '@ferry/audit/domain';

/** Largest key file read (a PEM key is well under 1 KiB; a verify file holds a few). */
const MAX_KEY_FILE_BYTES = 64 * 1024;

/** Why a private key file's mode is unsafe, or undefined (not checked on Windows). */
export function keyFileModeProblem(file: string): string | undefined {
  if (process.platform === 'win32') return undefined;
  const mode = statSync(file).mode & 0o777;
  return (mode & 0o077) !== 0 ? `has mode 0${mode.toString(8)}; the audit signing key must be readable by the service only (chmod 600)` : undefined;
}

function readSmall(file: string, what: string): string {
  if (statSync(file).size > MAX_KEY_FILE_BYTES) throw new Error(`${what} ${file} is larger than ${MAX_KEY_FILE_BYTES} bytes`);
  return readFileSync(file, 'utf8');
}

/** Reads FERRY_AUDIT_SIGNING_KEY_FILE. @throws Error naming the file and the problem, never the key. */
export function readAuditSigningKey(file: string): AuditSigningKey {
  const mode = keyFileModeProblem(file);
  if (mode) throw new Error(`audit signing key file ${file} ${mode}`);
  try {
    return parseAuditSigningKey(readSmall(file, 'audit signing key file'));
  } catch (err) {
    throw new Error(`audit signing key file ${file} ${(err as Error).message}`);
  }
}

/** Reads FERRY_AUDIT_VERIFY_KEYS_FILE. */
export function readAuditVerifyKeys(file: string): Map<string, KeyObject> {
  try {
    return parseAuditVerifyKeys(readSmall(file, 'audit verification key file'));
  } catch (err) {
    throw new Error(`audit verification key file ${file} ${(err as Error).message}`);
  }
}

/**
 * Signs chain heads with the key from a file (mounted from a vault in production; never in the
 * database). Verification trusts that key plus any older public keys given beside it.
 */
export class FileChainSigner implements ChainSigner {
  readonly verifyKeys: ReadonlyMap<string, KeyObject>;
  readonly keyId: string;
  private readonly privateKey: KeyObject;

  constructor(key: AuditSigningKey, olderKeys: ReadonlyMap<string, KeyObject> = new Map()) {
    this.privateKey = key.privateKey;
    this.keyId = key.keyId;
    this.verifyKeys = new Map([...olderKeys, [key.keyId, key.publicKey]]);
  }

  static fromFiles(signingKeyFile: string, verifyKeysFile?: string): FileChainSigner {
    return new FileChainSigner(readAuditSigningKey(signingKeyFile), verifyKeysFile ? readAuditVerifyKeys(verifyKeysFile) : new Map());
  }

  sign(head: ChainHead): SignedChainHead {
    return signChainHead(head, this.privateKey, this.keyId);
  }
}
