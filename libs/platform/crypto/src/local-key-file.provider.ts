import { createSecretKey, type KeyObject, randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { AES_GCM, gcmDecrypt, gcmEncrypt } from './aes-gcm';
import { DecryptionError, KeyringError } from './errors';
import type { KeyProvider, WrappedKey } from './key-provider';
import {
  errorCode,
  KEY_ID_PATTERN,
  type Keyring,
  newKeyId,
  newKeyring,
  readKeyringFile,
  writeKeyringFile,
} from './local-keyring';

/** Options for `LocalKeyFileProvider.open`. */
export interface LocalKeyFileOptions {
  /** Create a new keyring (0600, directory 0700) when the file does not exist. Default false. */
  readonly createIfMissing?: boolean;
}

const KIND = 'local';
const ALGORITHM = 'A256GCM';
const WRAPPED_BYTES = AES_GCM.ivBytes + AES_GCM.keyBytes + AES_GCM.tagBytes;

/**
 * Key-encryption keys in a local keyring file: the default for embedded and single-machine installs.
 * Data keys are wrapped with AES-256-GCM (IV || ciphertext || tag) and the key id as associated data.
 */
export class LocalKeyFileProvider implements KeyProvider {
  readonly kind = KIND;
  private keyring: { activeKeyId: string; keys: Map<string, KeyObject> };
  private rotation: Promise<unknown> = Promise.resolve();

  private constructor(
    /** Absolute path of the keyring file. */
    readonly path: string,
    keyring: Keyring,
  ) {
    this.keyring = toKeyObjects(keyring);
  }

  /**
   * Opens (or, with `createIfMissing`, creates) the keyring at `path`. Refuses a file that group or
   * others can access, and a malformed one, with a `KeyringError` naming the path and the fix.
   */
  static async open(path: string, options: LocalKeyFileOptions = {}): Promise<LocalKeyFileProvider> {
    const absolute = resolve(path);
    const existing = await readKeyringFile(absolute);
    if (existing) return new LocalKeyFileProvider(absolute, existing);
    if (!options.createIfMissing) {
      throw new KeyringError(
        absolute,
        `keyring file ${absolute} does not exist; restore it from backup, or allow creating a new one ` +
          `(FERRY_KEK_CREATE_IF_MISSING=true); values sealed with a lost keyring cannot be recovered`,
      );
    }
    const created = newKeyring();
    try {
      await writeKeyringFile(absolute, created, true);
    } catch (error: unknown) {
      // Another process created it between our read and write: use theirs.
      if (errorCode(error) !== 'EEXIST') throw keyringWriteError(absolute, error);
      const raced = await readKeyringFile(absolute);
      if (!raced) throw keyringWriteError(absolute, error);
      return new LocalKeyFileProvider(absolute, raced);
    }
    return new LocalKeyFileProvider(absolute, created);
  }

  activeKeyId(): string {
    return this.keyring.activeKeyId;
  }

  /** Ids of every key held, oldest first. */
  keyIds(): string[] {
    return [...this.keyring.keys.keys()];
  }

  wrap(dataKey: Buffer): Promise<WrappedKey> {
    const keyId = this.keyring.activeKeyId;
    const kek = this.keyring.keys.get(keyId) as KeyObject;
    const sealed = gcmEncrypt(kek, dataKey, wrapAad(keyId));
    const bytes = Buffer.concat([sealed.iv, sealed.ciphertext, sealed.tag]);
    return Promise.resolve({ provider: KIND, keyId, algorithm: ALGORITHM, bytes });
  }

  async unwrap(wrapped: WrappedKey): Promise<Buffer> {
    if (wrapped.provider !== KIND) {
      throw new DecryptionError(
        'wrong-provider',
        `the data key was wrapped by '${wrapped.provider}', not '${KIND}'`,
      );
    }
    if (wrapped.algorithm !== ALGORITHM || wrapped.bytes.length !== WRAPPED_BYTES) {
      throw new DecryptionError('key-unwrap-failed', `the wrapped data key is not a ${ALGORITHM} local wrap`);
    }
    let kek = this.keyring.keys.get(wrapped.keyId);
    if (!kek) {
      // Another process sharing this file may have rotated since we loaded it.
      await this.reload();
      kek = this.keyring.keys.get(wrapped.keyId);
    }
    if (!kek) {
      throw new DecryptionError(
        'unknown-key',
        `${describeKeyId(wrapped.keyId)} is not in keyring ${this.path}`,
      );
    }
    const { ivBytes, keyBytes } = AES_GCM;
    const dataKey = gcmDecrypt(
      kek,
      {
        iv: wrapped.bytes.subarray(0, ivBytes),
        ciphertext: wrapped.bytes.subarray(ivBytes, ivBytes + keyBytes),
        tag: wrapped.bytes.subarray(ivBytes + keyBytes),
      },
      wrapAad(wrapped.keyId),
    );
    if (!dataKey) {
      throw new DecryptionError(
        'key-unwrap-failed',
        `the data key does not authenticate under key '${wrapped.keyId}'`,
      );
    }
    return dataKey;
  }

  /**
   * Adds a fresh key, makes it active and keeps the old ones so existing values still open. Re-reads the
   * file first so a rotation by another process is not lost. Returns the new key id.
   */
  rotate(): Promise<string> {
    const next = this.rotation.then(async () => {
      const current = (await readKeyringFile(this.path)) ?? fromKeyObjects(this.keyring);
      const id = newKeyId();
      const keys = new Map(current.keys);
      keys.set(id, randomBytes(AES_GCM.keyBytes));
      const updated: Keyring = { activeKeyId: id, keys };
      try {
        await writeKeyringFile(this.path, updated, false);
      } catch (error: unknown) {
        throw keyringWriteError(this.path, error);
      }
      this.keyring = toKeyObjects(updated);
      return id;
    });
    this.rotation = next.catch(() => undefined);
    return next;
  }

  private async reload(): Promise<void> {
    const fresh = await readKeyringFile(this.path);
    if (fresh) this.keyring = toKeyObjects(fresh);
  }
}

// Binds a wrapped data key to the id of the key that wrapped it.
function wrapAad(keyId: string): Buffer {
  return Buffer.from(`ferry.local-kek.wrap.v1:${keyId}`, 'utf8');
}

function toKeyObjects(keyring: Keyring): { activeKeyId: string; keys: Map<string, KeyObject> } {
  const keys = new Map<string, KeyObject>();
  for (const [id, raw] of keyring.keys) {
    keys.set(id, createSecretKey(raw));
    raw.fill(0);
  }
  return { activeKeyId: keyring.activeKeyId, keys };
}

function fromKeyObjects(keyring: { activeKeyId: string; keys: Map<string, KeyObject> }): Keyring {
  return {
    activeKeyId: keyring.activeKeyId,
    keys: new Map([...keyring.keys].map(([id, key]) => [id, key.export()])),
  };
}

// Key ids come from stored data: echo them only when they look like ours, never arbitrary text.
function describeKeyId(keyId: string): string {
  return KEY_ID_PATTERN.test(keyId) ? `key '${keyId}'` : 'a malformed key id';
}

function keyringWriteError(path: string, error: unknown): KeyringError {
  return new KeyringError(
    path,
    `keyring file ${path} cannot be written (${errorCode(error) ?? 'unknown error'}); check the directory exists and is writable by this user`,
  );
}
