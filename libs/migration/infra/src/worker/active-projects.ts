import type { DataSource } from 'typeorm';
import { PassEntity } from '../persistence/pass.entity';

/**
 * Which projects have a running pass, read at most once per `ttlMs` by each worker: the lanes of
 * other projects (paused, scheduled, finished) are not served, so a paused pass's items wait in the
 * queue without being delivered.
 */
export class ActiveProjects {
  private cached: { at: number; ids: Promise<Set<string>> } | undefined;

  constructor(
    private readonly db: DataSource,
    private readonly ttlMs = 2000,
    private readonly now: () => number = Date.now,
  ) {}

  async has(projectId: string): Promise<boolean> {
    return (await this.current()).has(projectId);
  }

  private current(): Promise<Set<string>> {
    if (!this.cached || this.now() - this.cached.at >= this.ttlMs) {
      const ids = this.db
        .getRepository(PassEntity)
        .createQueryBuilder('p')
        .select('DISTINCT p.projectId', 'projectId')
        .where('p.status = :status', { status: 'running' })
        .getRawMany<{ projectId: string }>()
        .then((rows) => new Set(rows.map((r) => r.projectId)));
      this.cached = { at: this.now(), ids };
      ids.catch(() => (this.cached = undefined));
    }
    return this.cached.ids;
  }
}
