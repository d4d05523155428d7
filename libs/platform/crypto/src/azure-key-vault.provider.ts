import type { TokenCredential } from '@azure/identity';
import { mapAzureError } from './azure-error.mapper';
import { type AzureKeyId, formatAzureKeyId, isSameAzureKey, parseAzureKeyId } from './azure-key-id';
import {
  AZURE_KEY_WRAP_ALGORITHMS,
  type AzureKeyWrapAlgorithm,
  createKeyVaultKeyClient,
  type KeyVaultKeyClient,
} from './azure-key-vault.client';
import { DecryptionError, KeyProviderError } from './errors';
import type { KeyProvider, WrappedKey } from './key-provider';

/** Options for `AzureKeyVaultKeyProvider.create`. */
export interface AzureKeyVaultKeyProviderOptions {
  /** `https://<vault>.vault.azure.net/keys/<name>[/<version>]`; without a version the current one is used. */
  readonly keyId: string;
  /** Wrap algorithm for new values. Default `RSA-OAEP-256`; old values unwrap with their recorded one. */
  readonly algorithm?: AzureKeyWrapAlgorithm;
  /** Default `DefaultAzureCredential`. Ignored when `client` is given. */
  readonly credential?: TokenCredential;
  /** Replaces the Azure SDK client (tests, or a custom pipeline). */
  readonly client?: KeyVaultKeyClient;
}

const KIND = 'azure-keyvault';

/**
 * Key-encryption key in Azure Key Vault (or Managed HSM): data keys are wrapped and unwrapped by the
 * service, the KEK never leaves it. Every `WrappedKey` records the exact key version used.
 */
export class AzureKeyVaultKeyProvider implements KeyProvider {
  readonly kind = KIND;

  private constructor(
    private readonly configured: AzureKeyId,
    private readonly algorithm: AzureKeyWrapAlgorithm,
    private readonly client: KeyVaultKeyClient,
    private active: string,
  ) {}

  /**
   * Validates the options and resolves the key's version (the current one when `keyId` has none), which
   * also proves at start-up that the key exists and this identity may read it.
   */
  static async create(options: AzureKeyVaultKeyProviderOptions): Promise<AzureKeyVaultKeyProvider> {
    const configured = parseAzureKeyId(options.keyId);
    if (!configured) {
      throw new KeyProviderError(
        'misconfigured',
        'Azure Key Vault key id must look like https://<vault>.vault.azure.net/keys/<name>[/<version>]',
      );
    }
    const algorithm = options.algorithm ?? 'RSA-OAEP-256';
    if (!isAzureKeyWrapAlgorithm(algorithm)) {
      throw new KeyProviderError(
        'misconfigured',
        `Azure Key Vault wrap algorithm must be one of ${AZURE_KEY_WRAP_ALGORITHMS.join(', ')}`,
      );
    }
    const client = options.client ?? (await createKeyVaultKeyClient(options.credential));
    const provider = new AzureKeyVaultKeyProvider(configured, algorithm, client, '');
    await provider.refreshActiveKey();
    return provider;
  }

  /** The versioned key id new wraps use. */
  activeKeyId(): string {
    return this.active;
  }

  /**
   * Re-resolves the key's current version (after a rotation in Key Vault) when configured without a
   * version; returns the versioned id now active.
   */
  async refreshActiveKey(): Promise<string> {
    const requested = formatAzureKeyId(this.configured);
    let reported: string;
    try {
      reported = await this.client.getKeyId(this.configured);
    } catch (error: unknown) {
      throw mapAzureError(error, 'resolve', requested);
    }
    const resolved = parseAzureKeyId(reported);
    const pinned = this.configured.version;
    if (
      !resolved?.version ||
      !isSameAzureKey(resolved, this.configured) ||
      (pinned && resolved.version !== pinned)
    ) {
      throw new KeyProviderError(
        'invalid-response',
        `Key Vault did not report a version of key ${requested}`,
      );
    }
    this.active = formatAzureKeyId({ ...this.configured, version: resolved.version });
    return this.active;
  }

  async wrap(dataKey: Buffer): Promise<WrappedKey> {
    const keyId = this.active;
    let wrapped: { result: Uint8Array; keyId?: string };
    try {
      wrapped = await this.client.wrapKey(keyId, this.algorithm, dataKey);
    } catch (error: unknown) {
      throw mapAzureError(error, 'wrap', keyId);
    }
    // The version recorded must be the one that wrapped, or unwrap would later ask the wrong version.
    const used = wrapped.keyId === undefined ? undefined : parseAzureKeyId(wrapped.keyId);
    const activeVersion = parseAzureKeyId(keyId)?.version;
    const mismatch =
      !used || !isSameAzureKey(used, this.configured) || (used.version && used.version !== activeVersion);
    if (wrapped.keyId !== undefined && mismatch) {
      throw new KeyProviderError(
        'invalid-response',
        `Key Vault reported wrapping with a key other than ${keyId}`,
      );
    }
    if (wrapped.result.length === 0) {
      throw new KeyProviderError('invalid-response', `Key Vault returned an empty wrapped key for ${keyId}`);
    }
    return { provider: KIND, keyId, algorithm: this.algorithm, bytes: Buffer.from(wrapped.result) };
  }

  async unwrap(wrapped: WrappedKey): Promise<Buffer> {
    if (wrapped.provider !== KIND) {
      throw new DecryptionError('wrong-provider', `the data key was not wrapped by '${KIND}'`);
    }
    if (!isAzureKeyWrapAlgorithm(wrapped.algorithm)) {
      throw new DecryptionError(
        'key-unwrap-failed',
        'the data key was wrapped with an unsupported algorithm',
      );
    }
    const id = parseAzureKeyId(wrapped.keyId);
    // Only the configured key is trusted: stored data must not steer requests to another vault or key.
    if (!id?.version || !isSameAzureKey(id, this.configured)) {
      throw new DecryptionError(
        'unknown-key',
        `the data key was wrapped by a key other than ${formatAzureKeyId(this.configured)}`,
      );
    }
    const keyId = formatAzureKeyId(id);
    let dataKey: Uint8Array;
    try {
      dataKey = await this.client.unwrapKey(keyId, wrapped.algorithm, wrapped.bytes);
    } catch (error: unknown) {
      throw mapAzureError(error, 'unwrap', keyId);
    }
    const copy = Buffer.from(dataKey);
    dataKey.fill(0);
    return copy;
  }
}

function isAzureKeyWrapAlgorithm(value: string): value is AzureKeyWrapAlgorithm {
  return (AZURE_KEY_WRAP_ALGORITHMS as readonly string[]).includes(value);
}
