import type { ChainSigner } from '@ferry/audit/application';

/** The audit service's settings its adapters need (from services/audit/src/config.ts). */
export interface AuditInfraOptions {
  /** This installation's region (the audit service's own audit events are published in it). */
  readonly region: string;
  /** Signs checkpoints and witnessed heads (the key from FERRY_AUDIT_SIGNING_KEY_FILE). */
  readonly signer: ChainSigner;
  /** Audit events one replica handles at once; the batcher groups them into transactions. */
  readonly consumerConcurrency: number;
  /** How long JetStream waits for an event's ack before offering it again (a dead replica's events come back after it). */
  readonly consumerAckWaitMs: number;
  /** Most events appended in one transaction. */
  readonly maxBatch: number;
  /** Records between count-based checkpoints of an organisation. */
  readonly checkpointEvery: number;
  /** How often every organisation with new records gets a checkpoint. */
  readonly checkpointIntervalMs: number;
  /** Retention of organisations that set none. */
  readonly defaultRetentionDays: number;
  /** How often the retention purge runs. */
  readonly purgeIntervalMs: number;
  /** JetStream replicas of the `audit-heads` KV bucket (3 on a production cluster). */
  readonly witnessReplicas: number;
  /** Verifications one replica runs at once; more are refused with a retry hint. */
  readonly maxConcurrentVerifications: number;
}

export const AUDIT_INFRA_OPTIONS = Symbol('AuditInfraOptions');
