import { fromBinary, toJson } from '@bufbuild/protobuf';
import { type AuditEvent, AuditEventSchema } from '@ferry/contracts';
import { connect } from 'nats';
import type { DataSource } from 'typeorm';
import { TEST_NATS_URL } from './nats-namespace';

/** Every event on a run's AUDIT stream (its prefixed name), in order, read with a consumer of its own connection. */
export async function readAuditStream(stream: string): Promise<AuditEvent[]> {
  const nc = await connect({ servers: TEST_NATS_URL });
  try {
    const info = await (await nc.jetstreamManager()).streams.info(stream);
    const count = info.state.messages;
    const events: AuditEvent[] = [];
    if (count === 0) return events;
    const consumer = await nc.jetstream().consumers.get(stream);
    const messages = await consumer.fetch({ max_messages: count, expires: 10_000 });
    for await (const m of messages) {
      events.push(fromBinary(AuditEventSchema, m.data));
      if (events.length >= count) break;
    }
    return events;
  } finally {
    await nc.close();
  }
}

/** An audit event as JSON text, every field included, for scanning. */
export function auditEventText(event: AuditEvent): string {
  return JSON.stringify(toJson(AuditEventSchema, event));
}

/** Every row of every table of one service's schema, by table name: what a database dump would show. */
export async function dumpSchema(db: DataSource, schema: string): Promise<Map<string, Record<string, unknown>[]>> {
  const tables: { table_name: string }[] = await db.query(
    "SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE' ORDER BY table_name",
    [schema],
  );
  const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;
  const out = new Map<string, Record<string, unknown>[]>();
  for (const { table_name } of tables) out.set(table_name, await db.query(`SELECT * FROM ${quote(schema)}.${quote(table_name)}`));
  return out;
}
