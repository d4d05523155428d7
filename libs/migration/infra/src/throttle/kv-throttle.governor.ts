import type { MessagingClient } from '@ferry/platform/messaging';
import { type KV, StorageType } from 'nats';
import { KvScopeLedgerStore } from './kv-scope-ledger.store';
import { SharedThrottleGovernor } from './shared-throttle.governor';
import { resolvePolicies, type ThrottleGovernorOptions } from './throttle-governor.options';

/** Where the shared throttle state lives in NATS. */
export interface ThrottleBucketOptions {
  /** JetStream replicas of the bucket (3 on a production cluster). */
  readonly replicas?: number;
  /**
   * How long an untouched scope is kept (NATS 2.9 has bucket-level TTL only). It must outlast the
   * longest Retry-After honoured; a scope forgotten after it starts again with a burst's worth.
   */
  readonly ttlMs?: number;
}

/** The bucket's name under the installation prefix: `<PREFIX>_MIGRATION_THROTTLE`. */
export function throttleBucketName(client: MessagingClient): string {
  return client.naming.stream('MIGRATION_THROTTLE');
}

/** Opens (creating it if missing) the installation's throttle bucket. */
export async function openThrottleBucket(client: MessagingClient, options: ThrottleBucketOptions & { minTtlMs: number }): Promise<KV> {
  const nc = await client.ready();
  const ttl = options.ttlMs ?? Math.max(60 * 60_000, options.minTtlMs);
  if (ttl < options.minTtlMs) throw new Error('throttle bucket TTL must outlast the longest Retry-After honoured (maxBlockMs)');
  return nc.jetstream().views.kv(throttleBucketName(client), {
    history: 1,
    ttl,
    replicas: options.replicas ?? 1,
    storage: StorageType.File,
    maxValueSize: 64 * 1024,
    description: 'Ferry migration throttle budgets shared by the workers',
  });
}

/**
 * The governor a migration worker uses: its state in the installation's NATS KV bucket, shared with
 * every other worker replica.
 */
export async function createKvThrottleGovernor(
  client: MessagingClient,
  options: ThrottleGovernorOptions & { readonly bucket?: ThrottleBucketOptions } = {},
): Promise<SharedThrottleGovernor> {
  const { tuning } = resolvePolicies(options);
  const kv = await openThrottleBucket(client, { ...options.bucket, minTtlMs: tuning.maxBlockMs });
  const onStoreOp = options.metrics?.onStoreOp?.bind(options.metrics);
  return new SharedThrottleGovernor(new KvScopeLedgerStore(kv, onStoreOp), options);
}
