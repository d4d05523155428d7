import type { StreamContract } from '@ferry/contracts';
import {
  AckPolicy,
  DeliverPolicy,
  DiscardPolicy,
  type JetStreamManager,
  nanos,
  RetentionPolicy,
  StorageType,
  type StreamConfig,
} from 'nats';
import type { Naming } from './naming';

const RETENTION: Record<StreamContract['retention'], RetentionPolicy> = {
  limits: RetentionPolicy.Limits,
  workqueue: RetentionPolicy.Workqueue,
  interest: RetentionPolicy.Interest,
};

const STREAM_NOT_FOUND = 10059;

function isApiError(err: unknown, code: number): boolean {
  const apiError = (err as { api_error?: { err_code?: number } } | undefined)?.api_error;
  return apiError?.err_code === code;
}

/**
 * Creates the stream, or brings an existing one's subjects and limits in line with the contract.
 * Idempotent, so every replica runs it at start-up. Retention cannot change after creation; a
 * mismatch is an error an operator must resolve.
 */
export async function declareStream(jsm: JetStreamManager, naming: Naming, contract: StreamContract): Promise<string> {
  const name = naming.stream(contract.name);
  const wanted: Partial<StreamConfig> = {
    name,
    description: contract.description,
    subjects: contract.subjects.map((s) => naming.subject(s)),
    retention: RETENTION[contract.retention],
    storage: StorageType.File,
    discard: DiscardPolicy.Old,
    max_age: nanos(contract.maxAgeMs),
    duplicate_window: nanos(contract.duplicateWindowMs),
  };
  try {
    const info = await jsm.streams.info(name);
    if (info.config.retention !== wanted.retention) {
      throw new Error(
        `stream ${name} exists with retention ${info.config.retention}, contract says ${wanted.retention}: migrate it by hand`,
      );
    }
    const same =
      JSON.stringify([...info.config.subjects].sort()) === JSON.stringify([...(wanted.subjects ?? [])].sort()) &&
      info.config.max_age === wanted.max_age &&
      info.config.duplicate_window === wanted.duplicate_window &&
      info.config.description === wanted.description;
    if (!same) await jsm.streams.update(name, { ...info.config, ...wanted });
  } catch (err) {
    if (!isApiError(err, STREAM_NOT_FOUND)) throw err;
    await jsm.streams.add(wanted);
  }
  return name;
}

/** A durable pull consumer's settings. */
export interface DurableConsumerSpec {
  readonly stream: string;
  readonly durable: string;
  readonly filterSubject: string;
  readonly ackWaitMs: number;
  /** Server-side delivery cap; one more than the handler's attempts, see WorkConsumer. */
  readonly maxDeliver: number;
  readonly maxAckPending: number;
}

/** Creates or updates a durable pull consumer; idempotent across replicas. */
export async function declareConsumer(jsm: JetStreamManager, spec: DurableConsumerSpec): Promise<void> {
  const config = {
    durable_name: spec.durable,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    filter_subject: spec.filterSubject,
    ack_wait: nanos(spec.ackWaitMs),
    max_deliver: spec.maxDeliver,
    max_ack_pending: spec.maxAckPending,
  };
  try {
    const info = await jsm.consumers.info(spec.stream, spec.durable);
    if (info.config.filter_subject !== config.filter_subject) {
      throw new Error(`consumer ${spec.durable} on ${spec.stream} filters a different subject: delete it to change the filter`);
    }
    if (
      info.config.ack_wait !== config.ack_wait ||
      info.config.max_deliver !== config.max_deliver ||
      info.config.max_ack_pending !== config.max_ack_pending
    ) {
      await jsm.consumers.update(spec.stream, spec.durable, {
        ack_wait: config.ack_wait,
        max_deliver: config.max_deliver,
        max_ack_pending: config.max_ack_pending,
      });
    }
  } catch (err) {
    if (!isApiError(err, 10014)) throw err; // consumer not found
    await jsm.consumers.add(spec.stream, config);
  }
}
