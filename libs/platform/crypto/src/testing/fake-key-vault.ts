import { randomBytes } from 'node:crypto';
import type { AzureKeyId } from '../azure-key-id';
import type { AzureKeyWrapAlgorithm, KeyVaultKeyClient } from '../azure-key-vault.client';

/** A call the fake received, for asserting which key version and algorithm were sent. */
export interface FakeKeyVaultCall {
  readonly operation: 'getKeyId' | 'wrapKey' | 'unwrapKey';
  readonly keyId: string;
  readonly algorithm?: AzureKeyWrapAlgorithm;
}

/** An error shaped like the Azure SDK's RestError, carrying a token and a body as real ones do. */
export function restError(statusCode: number, code: string): Error {
  return Object.assign(
    new Error(`${code}: request failed. Authorization: Bearer eyJ0eXAiOiJKV1QiLCJhbGciOi`),
    {
      name: 'RestError',
      statusCode,
      code,
      request: { headers: { authorization: 'Bearer eyJ0eXAiOiJKV1QiLCJhbGciOi' }, body: 'value=ZGF0YWtleQ' },
    },
  );
}

/**
 * An in-memory stand-in for one Key Vault key with versions. Wrapped keys are opaque handles that only
 * unwrap with the same version and algorithm, as with the real service.
 */
export class FakeKeyVault implements KeyVaultKeyClient {
  readonly calls: FakeKeyVaultCall[] = [];
  /** Next error to throw from any operation, once. */
  failNext: Error | undefined;
  /** Overrides the key id the next wrap reports having used. */
  reportWrapKeyId: string | undefined;
  private readonly versions: string[] = [];
  private readonly wrapped = new Map<string, { version: string; algorithm: string; dataKey: Buffer }>();

  constructor(
    readonly vaultUrl = 'https://ferry-test.vault.azure.net',
    readonly name = 'ferry-kek',
  ) {
    this.addVersion();
  }

  /** Creates a new current version (as Key Vault rotation does) and returns it. */
  addVersion(): string {
    const version = randomBytes(16).toString('hex');
    this.versions.push(version);
    return version;
  }

  get currentVersion(): string {
    return this.versions[this.versions.length - 1] as string;
  }

  idOf(version: string): string {
    return `${this.vaultUrl}/keys/${this.name}/${version}`;
  }

  getKeyId(key: AzureKeyId): Promise<string> {
    this.calls.push({
      operation: 'getKeyId',
      keyId: `${key.vaultUrl}/keys/${key.name}/${key.version ?? ''}`,
    });
    return settle(() => {
      this.throwIfFailing();
      const version = key.version ?? this.currentVersion;
      if (!this.versions.includes(version)) throw restError(404, 'KeyNotFound');
      return this.idOf(version);
    });
  }

  wrapKey(keyId: string, algorithm: AzureKeyWrapAlgorithm, dataKey: Uint8Array) {
    this.calls.push({ operation: 'wrapKey', keyId, algorithm });
    return settle(() => {
      this.throwIfFailing();
      const handle = randomBytes(256);
      const entry = { version: this.versionOf(keyId), algorithm, dataKey: Buffer.from(dataKey) };
      this.wrapped.set(handle.toString('hex'), entry);
      const reported = this.reportWrapKeyId ?? keyId;
      this.reportWrapKeyId = undefined;
      return { result: new Uint8Array(handle), keyId: reported };
    });
  }

  unwrapKey(keyId: string, algorithm: AzureKeyWrapAlgorithm, wrapped: Uint8Array): Promise<Uint8Array> {
    this.calls.push({ operation: 'unwrapKey', keyId, algorithm });
    return settle(() => {
      this.throwIfFailing();
      const entry = this.wrapped.get(Buffer.from(wrapped).toString('hex'));
      if (!entry || entry.version !== this.versionOf(keyId) || entry.algorithm !== algorithm) {
        throw restError(400, 'BadParameter');
      }
      return new Uint8Array(entry.dataKey);
    });
  }

  private versionOf(keyId: string): string {
    const version = keyId.split('/').pop() as string;
    if (!this.versions.includes(version)) throw restError(404, 'KeyNotFound');
    return version;
  }

  private throwIfFailing(): void {
    const failure = this.failNext;
    this.failNext = undefined;
    if (failure) throw failure;
  }
}

// Rejects rather than throws, as the SDK's async methods do.
function settle<T>(work: () => T): Promise<T> {
  try {
    return Promise.resolve(work());
  } catch (error: unknown) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}
