import type { WorkLimits } from '@ferry/migration/application';
import type { WorkQueueLimits } from '../queue/jetstream-work.queue';
import type { MailAdapterSettings } from './mail-adapter.registry';

/** What the migration service runs as: the API and planning, the workers, or both. */
export type MigrationRole = 'all' | 'planner' | 'worker';

/** The migration service's wiring options, from its validated configuration. */
export interface MigrationServiceOptions {
  readonly role: MigrationRole;
  readonly region: string;
  /** The service's ES256 private key file (PKCS#8 PEM, mode 0600) for the token broker's service assertions. */
  readonly serviceKeyFile: string;
  readonly adapters: MailAdapterSettings;
  readonly worker: {
    readonly concurrency: number;
    /** Copy batches of one mailbox carried at once by one replica while others wait (default 1). */
    readonly mailboxBatches?: number;
    readonly limits: WorkLimits;
    readonly queue?: WorkQueueLimits;
    /** V8 heap growth between full collections, in percent (see tuneWorkerHeap; default 0: V8's own). */
    readonly heapGrowingPercent?: number;
  };
  /** How often the planner starts scheduled passes whose time has come (default 5 s). */
  readonly schedulerIntervalMs?: number;
}

export const MIGRATION_SERVICE_OPTIONS = Symbol('MigrationServiceOptions');
