import type { DataSource } from 'typeorm';
import { withTimeout } from './backoff.util';
import { errorMessage } from './persistence.errors';
import type { ReadinessProbe, ReadinessResult } from './readiness-probe';

/** What the probe needs from the connection owner. */
export interface DatabaseProbeSource {
  readonly dataSource: DataSource;
  /** `host:port/database`, for details. */
  readonly target: string;
  isReady(): boolean;
}

/**
 * Readiness of the service's database: down until connected and migrated, then a `SELECT 1`
 * that must answer within `timeoutMs`.
 */
export class DatabaseReadinessProbe implements ReadinessProbe {
  readonly name = 'database';

  constructor(
    private readonly source: DatabaseProbeSource,
    private readonly timeoutMs: number,
    private readonly secret?: string,
  ) {}

  async check(): Promise<ReadinessResult> {
    if (!this.source.isReady()) return { up: false, detail: `waiting for database at ${this.source.target}` };
    try {
      await withTimeout(
        this.source.dataSource.query('SELECT 1'),
        this.timeoutMs,
        `no answer within ${this.timeoutMs} ms`,
      );
      return { up: true };
    } catch (err) {
      return {
        up: false,
        detail: `SELECT 1 at ${this.source.target} failed: ${errorMessage(err, this.secret)}`,
      };
    }
  }
}
