import type { DecryptionFailure, EnvelopeCipher, KeyProvider } from '@ferry/platform/crypto';
import type { DataSource } from 'typeorm';

/** What `rotateKek` works on and how. */
export interface KekRotationOptions {
  /** The connectors service's DataSource (its `connector_secrets` table). */
  readonly db: DataSource;
  /** The service's cipher: its provider unwraps the data keys it wrapped; the target when `target` is absent. */
  readonly cipher: EnvelopeCipher;
  /** Provider whose active key every data key moves to (e.g. Key Vault, when leaving the local keyring). */
  readonly target?: KeyProvider;
  /** Rows read per batch. Default 200. */
  readonly batchSize?: number;
  /** Rows re-wrapped at once within a batch (with Key Vault, each is an unwrap and a wrap call). Default 8. */
  readonly concurrency?: number;
  /** Stop after this many batches; the run is then `interrupted` and a later run continues. */
  readonly maxBatches?: number;
  /** Stops taking new rows when aborted (rows in flight finish); the run is then `interrupted`. */
  readonly signal?: AbortSignal;
  /** Called after every batch with the running totals. */
  readonly onProgress?: (progress: KekRotationProgress) => void;
  /** Tries per row while the key provider is `unavailable` (throttled, 5xx). Default 4. */
  readonly attempts?: number;
  /** Pause before the first retry, doubling after each. Default 1000 ms. */
  readonly retryDelayMs?: number;
}

/** Running totals of one run. */
export interface KekRotationProgress {
  readonly batches: number;
  /** Rows read that were not on the target key. */
  readonly examined: number;
  /** Rows now on the target key. */
  readonly rewrapped: number;
  /** Rows changed or deleted by the service while being re-wrapped: left as the service wrote them. */
  readonly skippedChanged: number;
  /** Rows whose data key could not be unwrapped: left as they are, listed in `failures`. */
  readonly failed: number;
}

/** Why one row could not be re-wrapped. */
export interface KekRotationFailure {
  readonly connectorId: string;
  readonly field: string;
  /** `<provider>:<key id>` the row names. */
  readonly kekRef: string;
  /** The decryption failure, or `malformed` when the stored text is not a sealed value. */
  readonly reason: DecryptionFailure | 'malformed';
}

/** The outcome of one run. Holds key references and row identities only, never a value. */
export interface KekRotationReport extends KekRotationProgress {
  /** `<provider>:<key id>` of the key every row should now name. */
  readonly targetKey: string;
  /** Rows re-wrapped by this run, by the key they were on. */
  readonly byOldKey: Readonly<Record<string, number>>;
  /** Rows not on the target key when the run ended (written meanwhile, skipped, failed or not reached). */
  readonly remaining: number;
  /** `remaining` by the key those rows name: an old key may be retired only once it is absent here. */
  readonly remainingByKey: Readonly<Record<string, number>>;
  /** The first 100 failures. */
  readonly failures: readonly KekRotationFailure[];
  /** True when stopped by `signal` or `maxBatches` before every row was read. */
  readonly interrupted: boolean;
}
