import { Inject, Injectable } from '@nestjs/common';
import type { AuditRetentionStore } from '@ferry/audit/application';
import { DataSource } from 'typeorm';
import { AuditRetentionEntity } from './audit-event.entity';
import { auditDialect, auditTable } from './audit-sql';

/** Per-organisation retention in audit.retention. */
@Injectable()
export class TypeormAuditRetentionStore implements AuditRetentionStore {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  async days(orgId: string): Promise<number | undefined> {
    const row = await this.db.getRepository(AuditRetentionEntity).findOne({ where: { orgId } });
    return row?.days;
  }

  async setDays(orgId: string, days: number, beforeCommit: () => Promise<void>): Promise<void> {
    const table = auditTable(this.db, AuditRetentionEntity);
    await this.db.transaction(async (tx) => {
      const now = new Date().toISOString();
      if (auditDialect(this.db) === 'postgres') {
        await tx.query(
          `INSERT INTO ${table} (org_id, days, updated_at) VALUES ($1, $2, $3) ON CONFLICT (org_id) DO UPDATE SET days = EXCLUDED.days, updated_at = EXCLUDED.updated_at`,
          [orgId, days, now],
        );
      } else {
        // Not yet exercised against SQL Server: the test servers are PostgreSQL.
        await tx.query(
          `MERGE ${table} WITH (HOLDLOCK) AS t USING (SELECT @0 AS org_id) AS s ON t.org_id = s.org_id
           WHEN MATCHED THEN UPDATE SET days = @1, updated_at = @2
           WHEN NOT MATCHED THEN INSERT (org_id, days, updated_at) VALUES (@0, @1, @2);`,
          [orgId, days, now],
        );
      }
      await beforeCommit();
    });
  }
}
