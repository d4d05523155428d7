import { Inject, Injectable } from '@nestjs/common';
import type { AuditChainStore, ChainExtent, ChainPosition } from '@ferry/audit/application';
import { type ChainRecord, MAX_STORED_SEQUENCE, type SignedChainHead } from '@ferry/audit/domain';
import { DataSource } from 'typeorm';
import { AuditCheckpointEntity, AuditEventEntity, ChainHeadEntity } from './audit-event.entity';
import { QUERY_COLUMNS, type QueryRow } from './audit-query.sql';
import { type AuditSqlDialect, auditDialect, auditTable, isUniqueViolation, limitClause, param, toBigInt, toDate, toHash } from './audit-sql';

/** Sequences per read while walking a chain: memory stays at about two pages whatever the chain's length. */
export const CHAIN_PAGE = 2000;
const CHECKPOINT_PAGE = 500;

/** A record as verification reads it: its query columns and payload, and its links. */
interface EventRow extends QueryRow {
  prev_hash: string;
  hash: string;
}

interface CheckpointRow {
  org_id: string;
  sequence: string;
  hash: string;
  created_at: Date | string;
  key_id: string;
  signature: string;
}

function toRecord(r: EventRow): ChainRecord {
  return {
    sequence: toBigInt(r.sequence),
    id: r.id,
    orgId: r.org_id,
    prevHash: toHash(r.prev_hash),
    hash: toHash(r.hash),
    payload: new Uint8Array(Buffer.from(r.payload, 'base64')),
    // Keep in step with auditColumns in @ferry/audit/application.
    columns: {
      id: r.id,
      org_id: r.org_id,
      action: r.action,
      outcome: r.outcome,
      occurred_at: toDate(r.occurred_at).toISOString(),
      actor_kind: r.actor_kind,
      actor_id: r.actor_id,
      target_type: r.target_type,
      target_id: r.target_id,
      session_id: r.session_id,
    },
  };
}

function toCheckpoint(r: CheckpointRow): SignedChainHead {
  return { orgId: r.org_id, sequence: toBigInt(r.sequence), hash: toHash(r.hash), at: toDate(r.created_at), keyId: r.key_id, signature: r.signature };
}

/**
 * Reads and maintains the chain for verification, checkpoints and retention. Ranges are read by
 * keyset pages on (org_id, sequence), the next page fetched while the current one is checked.
 */
@Injectable()
export class TypeormAuditChainStore implements AuditChainStore {
  private readonly dialect: AuditSqlDialect;

  constructor(@Inject(DataSource) private readonly db: DataSource) {
    this.dialect = auditDialect(db);
  }

  private p(i: number): string {
    return param(this.dialect, i);
  }

  private get events(): string {
    return auditTable(this.db, AuditEventEntity);
  }

  private get heads(): string {
    return auditTable(this.db, ChainHeadEntity);
  }

  private get checkpointTable(): string {
    return auditTable(this.db, AuditCheckpointEntity);
  }

  async extent(orgId: string): Promise<ChainExtent> {
    const [head] = await this.db.query<{ sequence: string; hash: string }[]>(`SELECT sequence, hash FROM ${this.heads} WHERE org_id = ${this.p(0)}`, [orgId]);
    const [first] = await this.db.query<{ first_sequence: string | null }[]>(`SELECT MIN(sequence) AS first_sequence FROM ${this.events} WHERE org_id = ${this.p(0)}`, [orgId]);
    return {
      ...(head ? { head: { orgId, sequence: toBigInt(head.sequence), hash: toHash(head.hash) } } : {}),
      ...(first?.first_sequence !== null && first?.first_sequence !== undefined ? { first: toBigInt(first.first_sequence) } : {}),
    };
  }

  /**
   * Reads windows of CHAIN_PAGE sequences (`after < sequence <= after + CHAIN_PAGE`) rather than
   * "the next CHAIN_PAGE rows": a window is cheap whatever plan the server picks (a LIMIT query on a
   * freshly loaded table was planned as a scan and sort of the whole rest of the chain, per page).
   * An empty window (a gap: deleted records) jumps to the next stored record.
   */
  async *records(orgId: string, after: bigint, to: bigint | undefined): AsyncGenerator<ChainRecord> {
    const [bounds] = await this.db.query<{ last_sequence: string | null }[]>(`SELECT MAX(sequence) AS last_sequence FROM ${this.events} WHERE org_id = ${this.p(0)}`, [orgId]);
    if (bounds?.last_sequence === null || bounds?.last_sequence === undefined) return;
    const last = toBigInt(bounds.last_sequence);
    const end = to !== undefined && to < last ? to : last;
    const window = BigInt(CHAIN_PAGE);
    const sql = `SELECT ${QUERY_COLUMNS}, prev_hash, hash FROM ${this.events}
      WHERE org_id = ${this.p(0)} AND sequence > ${this.p(1)} AND sequence <= ${this.p(2)} ORDER BY sequence`;
    const read = (from: bigint) => this.db.query<EventRow[]>(sql, [orgId, from.toString(), (from + window < end ? from + window : end).toString()]);
    let from = after;
    let pending: Promise<EventRow[]> | undefined = from < end ? read(from) : undefined;
    while (pending) {
      const rows = await pending;
      from += window;
      if (rows.length === 0 && from < end) from = (await this.nextStored(orgId, from)) - 1n;
      pending = from < end ? read(from) : undefined;
      // A consumer that stops early leaves the prefetch unobserved; its failure is not an error then.
      pending?.catch(() => undefined);
      yield* rows.map(toRecord);
    }
  }

  /** The first stored sequence above `after` (the chain's end + 1 when there is none). */
  private async nextStored(orgId: string, after: bigint): Promise<bigint> {
    const [row] = await this.db.query<{ next_sequence: string | null }[]>(
      `SELECT MIN(sequence) AS next_sequence FROM ${this.events} WHERE org_id = ${this.p(0)} AND sequence > ${this.p(1)}`,
      [orgId, after.toString()],
    );
    return row?.next_sequence === null || row?.next_sequence === undefined ? MAX_STORED_SEQUENCE : toBigInt(row.next_sequence);
  }

  checkpoints(orgId: string, after: bigint, to: bigint | undefined): AsyncIterable<SignedChainHead> {
    const sql = `SELECT org_id, sequence, hash, created_at, key_id, signature FROM ${this.checkpointTable}
      WHERE org_id = ${this.p(0)} AND sequence > ${this.p(1)}${to === undefined ? '' : ` AND sequence <= ${this.p(2)}`}
      ORDER BY sequence ${limitClause(this.dialect, CHECKPOINT_PAGE)}`;
    return this.pages<CheckpointRow, SignedChainHead>(sql, orgId, after, to, CHECKPOINT_PAGE, toCheckpoint, (c) => c.sequence);
  }

  /** Keyset pages, each fetched while the previous one is consumed. */
  private async *pages<Row, T>(
    sql: string,
    orgId: string,
    after: bigint,
    to: bigint | undefined,
    size: number,
    map: (row: Row) => T,
    key: (item: T) => bigint,
  ): AsyncGenerator<T> {
    const read = (from: bigint) => this.db.query<Row[]>(sql, [orgId, from.toString(), ...(to === undefined ? [] : [to.toString()])]);
    let pending: Promise<Row[]> | undefined = read(after);
    while (pending) {
      const rows: Row[] = await pending;
      const items = rows.map(map);
      const last = items[items.length - 1];
      pending = rows.length === size && last !== undefined ? read(key(last)) : undefined;
      // A consumer that stops early leaves the prefetch unobserved; its failure is not an error then.
      pending?.catch(() => undefined);
      yield* items;
    }
  }

  async checkpointAtOrBelow(orgId: string, sequence: bigint): Promise<SignedChainHead | undefined> {
    const [row] = await this.db.query<CheckpointRow[]>(
      `SELECT org_id, sequence, hash, created_at, key_id, signature FROM ${this.checkpointTable}
       WHERE org_id = ${this.p(0)} AND sequence <= ${this.p(1)} ORDER BY sequence DESC ${limitClause(this.dialect, 1)}`,
      [orgId, sequence.toString()],
    );
    return row ? toCheckpoint(row) : undefined;
  }

  async checkpointSignedBefore(orgId: string, time: Date): Promise<SignedChainHead | undefined> {
    // Signing times rise with sequences, so the newest before `time` is found on (org_id, created_at).
    const [row] = await this.db.query<CheckpointRow[]>(
      `SELECT org_id, sequence, hash, created_at, key_id, signature FROM ${this.checkpointTable}
       WHERE org_id = ${this.p(0)} AND created_at < ${this.p(1)} ORDER BY created_at DESC, sequence DESC ${limitClause(this.dialect, 1)}`,
      [orgId, time.toISOString()],
    );
    return row ? toCheckpoint(row) : undefined;
  }

  async saveCheckpoint(c: SignedChainHead): Promise<void> {
    const values = [c.orgId, c.sequence.toString(), c.hash, c.at.toISOString(), c.keyId, c.signature];
    const columns = 'org_id, sequence, hash, created_at, key_id, signature';
    const placeholders = values.map((_, i) => this.p(i)).join(', ');
    if (this.dialect === 'postgres') {
      await this.db.query(`INSERT INTO ${this.checkpointTable} (${columns}) VALUES (${placeholders}) ON CONFLICT (org_id, sequence) DO NOTHING`, values);
      return;
    }
    // Two replicas may checkpoint the same head; the first one stored stands.
    await this.db.query(`INSERT INTO ${this.checkpointTable} (${columns}) VALUES (${placeholders})`, values).catch((err: unknown) => {
      if (!isUniqueViolation(err)) throw err;
    });
  }

  async headsAwaitingCheckpoint(limit: number): Promise<ChainPosition[]> {
    const rows = await this.db.query<{ org_id: string; sequence: string; hash: string }[]>(
      `SELECT h.org_id, h.sequence, h.hash FROM ${this.heads} h
       WHERE h.sequence > 0 AND NOT EXISTS (SELECT 1 FROM ${this.checkpointTable} c WHERE c.org_id = h.org_id AND c.sequence >= h.sequence)
       ORDER BY h.org_id ${limitClause(this.dialect, limit)}`,
    );
    return rows.map((r) => ({ orgId: r.org_id, sequence: toBigInt(r.sequence), hash: toHash(r.hash) }));
  }

  async organisations(): Promise<string[]> {
    const rows = await this.db.query<{ org_id: string }[]>(`SELECT org_id FROM ${this.heads} ORDER BY org_id`);
    return rows.map((r) => r.org_id);
  }

  async purgeThrough(c: SignedChainHead): Promise<number> {
    return this.db.transaction(async (tx) => {
      const result: unknown = await tx.query(`DELETE FROM ${this.events} WHERE org_id = ${this.p(0)} AND sequence <= ${this.p(1)}`, [c.orgId, c.sequence.toString()]);
      await tx.query(`DELETE FROM ${this.checkpointTable} WHERE org_id = ${this.p(0)} AND sequence < ${this.p(1)}`, [c.orgId, c.sequence.toString()]);
      return deletedCount(result);
    });
  }
}

/** Rows a DELETE removed, from what either driver returns for it. */
function deletedCount(result: unknown): number {
  // PostgreSQL: [rows, count]; SQL Server: the rowsAffected array, or an object carrying it.
  if (Array.isArray(result) && typeof result[1] === 'number') return result[1];
  const affected = (result as { rowsAffected?: number[] } | undefined)?.rowsAffected;
  return Array.isArray(affected) ? affected.reduce((a, b) => a + b, 0) : 0;
}
