import { Inject, Injectable } from '@nestjs/common';
import {
  type AppendBatchResult,
  type AppendOutcome,
  type AuditAppend,
  AuditAppendRejectedError,
  type AuditStore,
  type ChainPosition,
  type StoredAuditRecord,
} from '@ferry/audit/application';
import { type AuditQueryFilter, chainHash, GENESIS_HASH } from '@ferry/audit/domain';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditEventEntity, ChainHeadEntity } from './audit-event.entity';
import { filterConditions, QUERY_COLUMNS, type QueryRow, toStoredRecord } from './audit-query.sql';
import { type AuditSqlDialect, auditDialect, auditTable, isDataError, isRetryableConflict, isUniqueViolation, limitClause, param, toBigInt, toHash } from './audit-sql';

/** Attempts of a batch that lost a race (deadlock, serialization, a duplicate stored meanwhile). */
const ATTEMPTS = 5;
/** SQL Server takes at most 2,100 parameters per statement: 130 rows of 15. */
const MSSQL_ROWS_PER_INSERT = 130;
const MSSQL_IDS_PER_SELECT = 1000;

/** One row of a batch, as inserted. */
interface NewRow {
  readonly id: string;
  readonly orgId: string;
  readonly sequence: bigint;
  readonly occurredAt: string;
  readonly action: string;
  readonly outcome: string;
  readonly actorKind: string;
  readonly actorId: string;
  readonly targetType: string;
  readonly targetId: string;
  readonly sessionId: string;
  readonly payload: string;
  readonly prevHash: string;
  readonly hash: string;
}

const COLUMNS = 'id, org_id, sequence, occurred_at, recorded_at, action, outcome, actor_kind, actor_id, target_type, target_id, session_id, payload, prev_hash, hash';
const COLUMN_COUNT = 15;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * The append-only audit table with each organisation's hash chain. A batch is one transaction: it
 * locks the heads of the batch's organisations in sorted order (so concurrent batches and replicas
 * never deadlock or fork a chain), drops ids stored before and repeats within the batch, chains the
 * rest, inserts them in multi-row statements and moves the heads. A process killed mid-batch leaves
 * nothing of it (the transaction rolls back); its messages are redelivered and appended once.
 */
@Injectable()
export class TypeormAuditStore implements AuditStore {
  private readonly dialect: AuditSqlDialect;
  /** Organisations whose head row is known to exist. */
  private readonly knownHeads = new Set<string>();

  constructor(@Inject(DataSource) private readonly db: DataSource) {
    this.dialect = auditDialect(db);
  }

  private get events(): string {
    return auditTable(this.db, AuditEventEntity);
  }

  private get heads(): string {
    return auditTable(this.db, ChainHeadEntity);
  }

  async appendBatch(items: readonly AuditAppend[]): Promise<AppendBatchResult> {
    if (items.length === 0) return { outcomes: [], heads: [] };
    const orgs = [...new Set(items.map((i) => i.summary.orgId))].sort();
    await this.ensureHeads(orgs.filter((o) => !this.knownHeads.has(o)));
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.db.transaction((tx) => this.appendIn(tx, items, orgs));
      } catch (err) {
        if (isRetryableConflict(err) && attempt < ATTEMPTS) {
          await new Promise((r) => setTimeout(r, 5 + Math.random() * 20 * attempt));
          continue;
        }
        if (isDataError(err)) throw new AuditAppendRejectedError(`the database refused the batch: ${(err as Error).message}`);
        throw err;
      }
    }
  }

  /**
   * Creates missing head rows (sequence 0) in their own statements, before the batch's transaction:
   * concurrent first events of a new organisation then find the row to lock instead of racing to
   * insert it (which made one of them fail on the primary key).
   */
  private async ensureHeads(orgs: readonly string[]): Promise<void> {
    if (orgs.length === 0) return;
    if (this.dialect === 'postgres') {
      await this.db.query(
        `INSERT INTO ${this.heads} (org_id, sequence, hash) SELECT o, 0, $2 FROM unnest($1::varchar[]) AS o ORDER BY o ON CONFLICT (org_id) DO NOTHING`,
        [orgs, GENESIS_HASH],
      );
    } else {
      // Not yet exercised against SQL Server: the test servers are PostgreSQL.
      for (const org of orgs) {
        await this.db
          .query(
            `INSERT INTO ${this.heads} (org_id, sequence, hash) SELECT @0, 0, @1 WHERE NOT EXISTS (SELECT 1 FROM ${this.heads} WITH (UPDLOCK, HOLDLOCK) WHERE org_id = @0)`,
            [org, GENESIS_HASH],
          )
          .catch((err: unknown) => {
            if (!isUniqueViolation(err)) throw err;
          });
      }
    }
    for (const o of orgs) this.knownHeads.add(o);
  }

  private async appendIn(tx: EntityManager, items: readonly AuditAppend[], orgs: readonly string[]): Promise<AppendBatchResult> {
    const heads = await this.lockHeads(tx, orgs);
    const stored = await this.storedSequences(tx, [...new Set(items.map((i) => i.summary.id))]);
    const outcomes: AppendOutcome[] = [];
    const seen = new Map<string, AppendOutcome>();
    const rows: NewRow[] = [];
    const moved = new Map<string, ChainPosition>();
    const recordedAt = new Date().toISOString();
    for (const { summary, encoded } of items) {
      const before = seen.get(summary.id);
      if (before) {
        outcomes.push({ sequence: before.sequence, duplicate: true });
        continue;
      }
      const storedSequence = stored.get(summary.id);
      if (storedSequence !== undefined) {
        const outcome = { sequence: storedSequence, duplicate: true };
        seen.set(summary.id, outcome);
        outcomes.push(outcome);
        continue;
      }
      const head = heads.get(summary.orgId);
      if (!head) throw new Error(`no chain head row for organisation ${summary.orgId || 'platform'}`);
      const sequence = head.sequence + 1n;
      const hash = chainHash({ prevHash: head.hash, sequence, id: summary.id, orgId: summary.orgId, payload: encoded });
      rows.push({
        id: summary.id,
        orgId: summary.orgId,
        sequence,
        occurredAt: summary.occurredAt.toISOString(),
        action: summary.action,
        outcome: summary.outcome,
        actorKind: summary.actorKind,
        actorId: summary.actorId,
        targetType: summary.targetType,
        targetId: summary.targetId,
        sessionId: summary.sessionId,
        payload: Buffer.from(encoded.buffer, encoded.byteOffset, encoded.byteLength).toString('base64'),
        prevHash: head.hash,
        hash,
      });
      const next = { orgId: summary.orgId, sequence, hash };
      heads.set(summary.orgId, next);
      moved.set(summary.orgId, next);
      const outcome = { sequence, duplicate: false };
      seen.set(summary.id, outcome);
      outcomes.push(outcome);
    }
    if (rows.length > 0) {
      await this.insertRows(tx, rows, recordedAt);
      await this.moveHeads(tx, [...moved.values()]);
    }
    return { outcomes, heads: [...moved.values()] };
  }

  /** Locks the heads in sorted order and returns them. */
  private async lockHeads(tx: EntityManager, orgs: readonly string[]): Promise<Map<string, ChainPosition>> {
    let rows: { org_id: string; sequence: string; hash: string }[];
    if (this.dialect === 'postgres') {
      rows = await tx.query(`SELECT org_id, sequence, hash FROM ${this.heads} WHERE org_id = ANY($1::varchar[]) ORDER BY org_id FOR UPDATE`, [orgs]);
    } else {
      rows = [];
      for (const org of orgs) {
        rows.push(...(await tx.query<typeof rows>(`SELECT org_id, sequence, hash FROM ${this.heads} WITH (UPDLOCK, ROWLOCK, HOLDLOCK) WHERE org_id = @0`, [org])));
      }
    }
    return new Map(rows.map((r) => [r.org_id, { orgId: r.org_id, sequence: toBigInt(r.sequence), hash: toHash(r.hash) }]));
  }

  /** Sequences of the ids already stored (looked up after the heads are locked, so no append of them is in flight). */
  private async storedSequences(tx: EntityManager, ids: readonly string[]): Promise<Map<string, bigint>> {
    let rows: { id: string; sequence: string }[];
    if (this.dialect === 'postgres') {
      rows = await tx.query(`SELECT id, sequence FROM ${this.events} WHERE id = ANY($1::varchar[])`, [ids]);
    } else {
      rows = [];
      for (const part of chunks(ids, MSSQL_IDS_PER_SELECT)) {
        const list = part.map((_, i) => `@${i}`).join(', ');
        rows.push(...(await tx.query<typeof rows>(`SELECT id, sequence FROM ${this.events} WHERE id IN (${list})`, part)));
      }
    }
    return new Map(rows.map((r) => [r.id, toBigInt(r.sequence)]));
  }

  private async insertRows(tx: EntityManager, rows: readonly NewRow[], recordedAt: string): Promise<void> {
    if (this.dialect === 'postgres') {
      // One statement whatever the batch size: one array parameter per column, unnested into rows.
      await tx.query(
        `INSERT INTO ${this.events} (${COLUMNS}) SELECT * FROM unnest($1::varchar[], $2::varchar[], $3::bigint[], $4::timestamptz[], $5::timestamptz[], $6::varchar[], $7::varchar[],
          $8::varchar[], $9::varchar[], $10::varchar[], $11::varchar[], $12::varchar[], $13::text[], $14::char(64)[], $15::char(64)[])`,
        [
          rows.map((r) => r.id),
          rows.map((r) => r.orgId),
          rows.map((r) => r.sequence.toString()),
          rows.map((r) => r.occurredAt),
          rows.map(() => recordedAt),
          rows.map((r) => r.action),
          rows.map((r) => r.outcome),
          rows.map((r) => r.actorKind),
          rows.map((r) => r.actorId),
          rows.map((r) => r.targetType),
          rows.map((r) => r.targetId),
          rows.map((r) => r.sessionId),
          rows.map((r) => r.payload),
          rows.map((r) => r.prevHash),
          rows.map((r) => r.hash),
        ],
      );
      return;
    }
    for (const part of chunks(rows, MSSQL_ROWS_PER_INSERT)) {
      const values = part.map((_, i) => `(${Array.from({ length: COLUMN_COUNT }, (_, c) => `@${i * COLUMN_COUNT + c}`).join(', ')})`).join(', ');
      await tx.query(
        `INSERT INTO ${this.events} (${COLUMNS}) VALUES ${values}`,
        part.flatMap((r) => [
          r.id,
          r.orgId,
          r.sequence.toString(),
          r.occurredAt,
          recordedAt,
          r.action,
          r.outcome,
          r.actorKind,
          r.actorId,
          r.targetType,
          r.targetId,
          r.sessionId,
          r.payload,
          r.prevHash,
          r.hash,
        ]),
      );
    }
  }

  private async moveHeads(tx: EntityManager, heads: readonly ChainPosition[]): Promise<void> {
    if (this.dialect === 'postgres') {
      await tx.query(
        `UPDATE ${this.heads} AS h SET sequence = v.sequence, hash = v.hash FROM unnest($1::varchar[], $2::bigint[], $3::char(64)[]) AS v(org_id, sequence, hash) WHERE h.org_id = v.org_id`,
        [heads.map((h) => h.orgId), heads.map((h) => h.sequence.toString()), heads.map((h) => h.hash)],
      );
      return;
    }
    for (const h of heads) {
      await tx.query(`UPDATE ${this.heads} SET sequence = @0, hash = @1 WHERE org_id = @2`, [h.sequence.toString(), h.hash, h.orgId]);
    }
  }

  async page(orgId: string, limit: number, before: bigint | undefined, filter: AuditQueryFilter = {}): Promise<StoredAuditRecord[]> {
    const params: unknown[] = [orgId];
    let bound = '';
    if (before !== undefined) {
      params.push(before.toString());
      bound = ` AND sequence < ${param(this.dialect, 1)}`;
    }
    const where = filterConditions(this.dialect, filter, params.length);
    const rows = await this.db.query<QueryRow[]>(
      `SELECT ${QUERY_COLUMNS} FROM ${this.events} WHERE org_id = ${param(this.dialect, 0)}${bound}${where.sql} ORDER BY sequence DESC ${limitClause(this.dialect, limit)}`,
      [...params, ...where.params],
    );
    return rows.map(toStoredRecord);
  }

  async countMatching(orgId: string, filter: AuditQueryFilter, atMost: number): Promise<number> {
    const where = filterConditions(this.dialect, filter, 1);
    const n = Math.trunc(atMost);
    // Counting stops at `atMost` rows: a filter matching a whole chain is not counted through.
    const matching =
      this.dialect === 'postgres'
        ? `SELECT 1 AS one FROM ${this.events} WHERE org_id = $1${where.sql} LIMIT ${n}`
        : `SELECT TOP (${n}) 1 AS one FROM ${this.events} WHERE org_id = @0${where.sql}`;
    const [row] = await this.db.query<{ n: string | number }[]>(`SELECT COUNT(*) AS n FROM (${matching}) AS m`, [orgId, ...where.params]);
    return Number(row?.n ?? 0);
  }

  async sessionPage(orgId: string, sessionId: string, limit: number, after: bigint | undefined): Promise<StoredAuditRecord[]> {
    const p = (i: number) => param(this.dialect, i);
    const rows = await this.db.query<QueryRow[]>(
      `SELECT ${QUERY_COLUMNS} FROM ${this.events} WHERE org_id = ${p(0)} AND session_id = ${p(1)}${after === undefined ? '' : ` AND sequence > ${p(2)}`}
       ORDER BY sequence ${limitClause(this.dialect, limit)}`,
      [orgId, sessionId, ...(after === undefined ? [] : [after.toString()])],
    );
    return rows.map(toStoredRecord);
  }
}
