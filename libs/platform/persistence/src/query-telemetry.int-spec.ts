import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, runTypeScriptProcess, type TestDatabase } from '@ferry/platform/testing';

const TOKEN = 'tok-Pl4nted-query-span';
const ADDRESS = 'judy.planted@example.com';
const FIXTURE = join(__dirname, 'testing', 'traced-queries.fixture.ts');

interface SpanLine {
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  name: string;
  status: { code: string; message?: string };
  attributes: Record<string, unknown>;
  events: { name: string; attributes: Record<string, unknown> }[];
}

describe('database queries in a traced service process', () => {
  let db: TestDatabase;
  let dir: string;
  beforeAll(async () => {
    db = await createTestDatabase('query_spans');
    dir = mkdtempSync(join(tmpdir(), 'ferry-query-spans-'));
  });
  afterAll(async () => {
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('are spans of the request, and a failing one leaves its values out of the span and the log line', async () => {
    const file = join(dir, 'traces.ndjson');
    const run = await runTypeScriptProcess(FIXTURE, {
      NODE_ENV: 'test',
      FERRY_TRACE_FILE: file,
      FERRY_PSEUDONYM_KEY: Buffer.alloc(32, 5).toString('base64'),
      FIXTURE_DATABASE_URL: db.url,
      FIXTURE_TOKEN: TOKEN,
      FIXTURE_ADDRESS: ADDRESS,
    });
    expect(run).toEqual(expect.objectContaining({ code: 0, stderr: '' }));
    const out = run.stdout
      .trimEnd()
      .split('\n')
      .map(
        (l) => JSON.parse(l) as { fixtureTraceId?: string; msg: string; trace_id?: string; span_id?: string },
      );
    const traceId = out.find((l) => l.fixtureTraceId)?.fixtureTraceId;
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    const traces = readFileSync(file, 'utf8');

    for (const text of [traces, run.stdout]) {
      expect(text).not.toContain(TOKEN);
      expect(text).not.toContain(ADDRESS);
    }

    const spans = traces
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as SpanLine)
      .filter((s) => s.traceId === traceId);
    const request = spans.find((s) => s.name === 'request');
    const queries = spans.filter(
      (s) => s.attributes['db.system.name'] === 'postgresql' || s.attributes['db.system'] === 'postgresql',
    );
    const statement = (s: SpanLine) => String(s.attributes['db.query.text'] ?? s.attributes['db.statement']);
    expect(queries.map(statement)).toEqual(
      expect.arrayContaining(['SELECT $1::uuid AS id', "SELECT '?'::int AS n", 'SELECT 1 AS ok']),
    );
    for (const query of queries.filter((s) => /SELECT/.test(statement(s)))) {
      expect(query.parentSpanId).toBe(request?.spanId);
    }
    const failed = queries.filter((s) => s.status.code === 'ERROR');
    expect(failed).toHaveLength(2);
    for (const span of failed) {
      expect(span.status.message).toBe('database error');
      expect(JSON.stringify(span.events)).toMatch(/code: 22P02/);
    }

    const logs = out.filter((l) => l.fixtureTraceId === undefined);
    const failures = logs.filter((l) => l.msg.startsWith('query failed'));
    expect(failures.map((l) => l.msg)).toEqual([
      'query failed: SQLSTATE 22P02 [SELECT $1::uuid AS id]',
      "query failed: SQLSTATE 22P02 [SELECT '?'::int AS n]",
    ]);
    // Every line written inside the request carries its trace id.
    for (const line of [...failures, ...logs.filter((l) => l.msg === 'request handled')]) {
      expect(line.trace_id).toBe(traceId);
      expect(line.span_id).toMatch(/^[0-9a-f]{16}$/);
    }
  }, 30_000);
});
