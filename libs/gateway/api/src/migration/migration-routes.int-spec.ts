import { type INestApplication, Module } from '@nestjs/common';
import { PassStatus } from '@ferry/contracts';
import { MessagingClient, MessagingModule } from '@ferry/platform/messaging';
import { createHttpApp, listen } from '@ferry/platform/runtime';
import { natsTestNamespace, TEST_NATS_URL } from '@ferry/platform/testing';
import { GatewayApiModule } from '../gateway-api.module';
import { type AccessTokenSigner, standInIdentity } from '../testing/stand-in-identity';
import { MAX_PROGRESS_STREAMS_PER_ORG, MigrationPassesController } from './migration-passes.controller';
import {
  MigrationStandIn,
  PASS,
  PROJECT,
  progressOf,
  UNSUPPORTED_TARGET,
} from './migration-stand-in.fixture';

const ORG = '0b6f4c3e-3d2a-4c1b-9f8e-7a6b5c4d3e2f';
const OTHER_ORG = '5d1e2f3a-4b5c-4d6e-8f7a-9b0c1d2e3f4a';
const ISSUER = 'urn:ferry:identity:gateway-migration-test';
const SOURCE = '3c2b1a09-8f7e-4d6c-9b5a-4f3e2d1c0b9a';
const TARGET = '4d3c2b1a-9f8e-4d7c-8b6a-5f4e3d2c1b0a';
const MIB = 1024 * 1024;
const silent = {
  log: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  debug: () => undefined,
  verbose: () => undefined,
};

/** Reads Server-Sent Events until `end` (or `max` events), with the comments seen. */
async function readEvents(
  res: Response,
  max = 50,
): Promise<{ events: { event: string; data: string }[]; comments: number }> {
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  const events: { event: string; data: string }[] = [];
  let comments = 0;
  let buffer = '';
  while (events.length < max) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let cut: number;
    while ((cut = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      if (block.startsWith(':')) comments++;
      else {
        const field = (name: string) =>
          block
            .split('\n')
            .find((l) => l.startsWith(`${name}: `))
            ?.slice(name.length + 2) ?? '';
        events.push({ event: field('event'), data: field('data') });
      }
    }
  }
  await reader.cancel().catch(() => undefined);
  return { events, comments };
}

describe('migration routes of the gateway', () => {
  const ns = natsTestNamespace('gw-migration');
  const standIn = new MigrationStandIn();
  let app: INestApplication;
  let base: string;
  let sign: AccessTokenSigner;
  let operator: string;
  const peers: MessagingClient[] = [];

  beforeAll(async () => {
    const peer = new MessagingClient({
      servers: [TEST_NATS_URL],
      service: 'migration',
      region: 'test',
      prefix: ns.prefix,
    });
    peers.push(peer);
    sign = await standInIdentity(peer, { issuer: ISSUER, org: ORG });
    await standIn.serve(peer);
    operator = await sign({ roles: ['migration-operator'] });
    MigrationPassesController.timing = { pollMs: 40, heartbeatMs: 150 };

    @Module({
      imports: [
        MessagingModule.forRoot({
          servers: [TEST_NATS_URL],
          service: 'gateway',
          region: 'test',
          prefix: ns.prefix,
        }),
        GatewayApiModule.forRoot({ issuer: ISSUER, region: 'test' }),
      ],
    })
    class TestGateway {}
    // As services/gateway: text/csv read as text up to 4 MiB.
    app = await createHttpApp(TestGateway, {
      logger: silent,
      bodyLimitBytes: 64 * 1024,
      textBodyTypes: [{ type: 'text/csv', limitBytes: 4 * MIB }],
    });
    const { port } = await listen(app, { host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${port}/api/v1/orgs/${ORG}/migration/projects`;
  });
  afterAll(async () => {
    await app.close();
    await Promise.all(peers.map((p) => p.close()));
    await ns.cleanup();
  });
  beforeEach(() => {
    standIn.received.length = 0;
  });

  const send = (method: string, path: string, body?: unknown, token = operator) =>
    fetch(`${base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const putCsv = (csv: string | Uint8Array, contentType = 'text/csv') =>
    fetch(`${base}/${PROJECT}/mappings`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${operator}`, 'content-type': contentType },
      body: csv,
    });

  it('creates a project with the caller forwarded, and answers an unsupported pair 400 with the violation', async () => {
    const ok = await send('POST', '', {
      name: 'Wave 1',
      sourceConnectorId: SOURCE,
      targetConnectorId: TARGET,
      workloads: ['mail'],
    });
    expect(ok.status).toBe(201);
    expect(await ok.json()).toMatchObject({
      id: PROJECT,
      source: 'google',
      target: 'microsoft',
      workloads: ['mail'],
    });
    expect(standIn.received[0]).toMatchObject({
      subject: 'createProject',
      caller: { accessToken: operator, sourceAddress: '127.0.0.1' },
      body: { deletionPolicy: 1, extraLabels: 1 },
    });
    const refused = await send('POST', '', {
      name: 'Wave 1',
      sourceConnectorId: SOURCE,
      targetConnectorId: UNSUPPORTED_TARGET,
      workloads: ['mail'],
    });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({
      violations: [{ field: 'targetConnectorId', reason: 'google -> google is not supported' }],
    });
  });

  it('refuses a malformed body before any RPC: unknown fields, a workload other than mail, a bad policy', async () => {
    for (const body of [
      { name: 'x', sourceConnectorId: SOURCE, targetConnectorId: TARGET, workloads: ['mail'], secret: 's' },
      { name: 'x', sourceConnectorId: SOURCE, targetConnectorId: TARGET, workloads: ['files'] },
      {
        name: 'x',
        sourceConnectorId: SOURCE,
        targetConnectorId: 'nope',
        workloads: ['mail'],
        deletionPolicy: 'purge',
      },
    ]) {
      expect((await send('POST', '', body)).status).toBe(400);
    }
    expect(standIn.received).toEqual([]);
  });

  it('imports a CSV mapping (text/csv only): 200 with the count, 400 with the row violations', async () => {
    const ok = await putCsv('source,target\r\nann@source.example,ann@target.example\r\n');
    expect([ok.status, await ok.json()]).toEqual([200, { imported: 1 }]);
    const bad = await putCsv(
      'source,target\nann@source.example,ann@target.example\nnot-an-address,bob@target.example\n',
    );
    expect(bad.status).toBe(400);
    const body = (await bad.json()) as { violations: unknown[] };
    expect(body.violations).toEqual([{ field: 'line 3', reason: 'source is not an email address' }]);
    expect(JSON.stringify(body)).not.toContain('not-an-address');
    expect((await putCsv('{"a":1}', 'application/json')).status).toBe(415);
  });

  it('answers 413 for a mapping over 4 MiB, and for one the bus cannot carry, before any RPC', async () => {
    const tooLarge = await putCsv(new Uint8Array(4 * MIB + 1).fill(0x61));
    expect(tooLarge.status).toBe(413);
    // Under the HTTP limit but above the test NATS server's max_payload (1 MiB): the gateway names its real limit.
    const overBus = await putCsv(
      `source,target\n${'ann@source.example,ann@target.example\n'.repeat(Math.ceil((1.5 * MIB) / 37))}`,
    );
    expect(overBus.status).toBe(413);
    expect(((await overBus.json()) as { message: string }).message).toMatch(/the limit is \d+ bytes/);
    expect(standIn.received).toEqual([]);
  });

  it("answers 404 for another organisation's routes and for a project the service does not know", async () => {
    const other = await fetch(`${base.replace(ORG, OTHER_ORG)}/${PROJECT}`, {
      headers: { authorization: `Bearer ${operator}` },
    });
    expect(other.status).toBe(404);
    expect((await send('GET', '/00000000-0000-4000-8000-0000000000ff')).status).toBe(404);
    expect((await send('GET', '/not-a-uuid')).status).toBe(400);
  });

  it('lets a viewer read but not start, pause or cancel a pass (403 before any RPC)', async () => {
    const viewer = await sign({ roles: ['viewer'] });
    expect((await send('POST', `/${PROJECT}/passes`, { kind: 'full' }, viewer)).status).toBe(403);
    expect((await send('POST', `/${PROJECT}/passes/${PASS}/pause`, undefined, viewer)).status).toBe(403);
    expect((await send('POST', `/${PROJECT}/passes/${PASS}/cancel`, undefined, viewer)).status).toBe(403);
    expect(standIn.received.filter((r) => r.subject === 'startPass')).toEqual([]);
    expect((await send('GET', `/${PROJECT}`, undefined, viewer)).status).toBe(200);
    const started = await send('POST', `/${PROJECT}/passes`, {
      kind: 'delta',
      final: true,
      scheduledFor: '2030-01-01T00:00:00Z',
    });
    expect(started.status).toBe(201);
    expect(standIn.received.at(-1)?.body).toMatchObject({
      kind: 2,
      final: true,
      scheduledFor: { seconds: 1893456000n },
    });
  });

  it('streams progress as Server-Sent Events: an event per change, heartbeats, and the end when the pass completes', async () => {
    standIn.progress = [
      progressOf(2),
      progressOf(2),
      progressOf(2),
      progressOf(2),
      progressOf(2),
      progressOf(2),
      progressOf(5),
      progressOf(10, PassStatus.COMPLETED),
    ];
    const res = await send('GET', `/${PROJECT}/passes/${PASS}/events`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const { events, comments } = await readEvents(res);
    expect(events.map((e) => e.event)).toEqual(['progress', 'progress', 'progress', 'end']);
    const bars = events.slice(0, 3).map(
      (e) =>
        JSON.parse(e.data) as {
          totals: { migrated: number };
          rate: { percent: number; etaSeconds: number | null };
          pass: { status: string };
        },
    );
    expect(bars.map((b) => [b.totals.migrated, b.rate.percent, b.rate.etaSeconds, b.pass.status])).toEqual([
      [2, 20, 8, 'running'],
      [5, 50, 5, 'running'],
      [10, 100, null, 'completed'],
    ]);
    // Six unchanged polls at 40 ms span more than one 150 ms heartbeat.
    expect(comments).toBeGreaterThanOrEqual(1);
  });

  it(`refuses a stream past ${MAX_PROGRESS_STREAMS_PER_ORG} open ones per organisation (429), and frees the slot when a client leaves`, async () => {
    standIn.progress = [progressOf(1)];
    const open = await Promise.all(
      Array.from({ length: MAX_PROGRESS_STREAMS_PER_ORG }, () =>
        send('GET', `/${PROJECT}/passes/${PASS}/events`),
      ),
    );
    expect(open.map((r) => r.status)).toEqual(open.map(() => 200));
    const refused = await send('GET', `/${PROJECT}/passes/${PASS}/events`);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('15');
    await Promise.all(open.map((r) => r.body?.cancel() ?? Promise.resolve()));
    const deadline = Date.now() + 5000;
    let again = 429;
    while (again === 429 && Date.now() < deadline) {
      const r = await send('GET', `/${PROJECT}/passes/${PASS}/events`);
      again = r.status;
      await r.body?.cancel();
      if (again === 429) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(again).toBe(200);
  });

  it('ends a stream with an error event when a poll is refused, and answers an unknown project before streaming', async () => {
    expect((await send('GET', `/00000000-0000-4000-8000-0000000000ff/passes/${PASS}/events`)).status).toBe(
      404,
    );
    standIn.progress = [progressOf(1), progressOf(1)];
    const res = await send('GET', `/${PROJECT}/passes/${PASS}/events`);
    standIn.progress = [];
    const { events } = await readEvents(res);
    expect(events.map((e) => e.event)).toEqual(['progress', 'error']);
    expect(JSON.parse(events[1]?.data ?? '{}')).toEqual({ status: 503 });
  });

  it('downloads the report as CSV whose counts add up and whose formula-like cells are neutralised', async () => {
    standIn.reportRows = 1200;
    const res = await send(
      'GET',
      `/${PROJECT}/passes/${PASS}/report?format=csv`,
      undefined,
      await sign({ roles: ['auditor'] }),
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="ferry-pass-${PASS}-report.csv"`,
    );
    const lines = (await res.text()).trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'mapping_id,source_address,target_address,status,found,migrated,skipped,failed,bytes_found,bytes_done,started_at,finished_at,cut_over_at',
    );
    expect(lines).toHaveLength(1 + 1200);
    for (const line of lines.slice(1)) {
      const cells = line.split(',');
      const [found, migrated, skipped, failed] = cells.slice(4, 8).map(Number);
      expect(found).toBe((migrated ?? 0) + (skipped ?? 0) + (failed ?? 0));
      expect(cells[12]).toBe('2026-03-01T12:00:00.000Z');
    }
    expect(lines[1]?.split(',')[1]).toBe("'=cmd|calc@source.example");
    expect(lines.slice(1).every((l) => !/(^|,)[=+\-@]/.test(l))).toBe(true);
    expect(
      standIn.received
        .filter((r) => r.subject === 'report')
        .map((r) => (r.body as { offset: number }).offset),
    ).toEqual([0, 1000]);
  });

  it('answers the report as JSON with the totals, and the failed items (CSV neutralised, JSON paged)', async () => {
    standIn.reportRows = 2;
    const json = await send('GET', `/${PROJECT}/passes/${PASS}/report`);
    const report = (await json.json()) as {
      pass: { status: string };
      totals: Record<string, number>;
      totalRows: number;
      rows: { counts: Record<string, number> }[];
    };
    expect([report.pass.status, report.totalRows, report.rows.length]).toEqual(['completed', 2, 2]);
    expect(report.totals).toMatchObject({ found: 20, migrated: 14, skipped: 4, failed: 2 });
    const failures = await send('GET', `/${PROJECT}/passes/${PASS}/report/failures?format=csv`);
    const text = await failures.text();
    expect(text).toContain(`'+SUM(A1:A9)`);
    expect(text).toContain(`"'=HYPERLINK(""http://evil.example"",""x"")"`);
    const page = (await (
      await send('GET', `/${PROJECT}/passes/${PASS}/report/failures?limit=10`)
    ).json()) as { items: { sourceId: string }[]; nextOffset: number | null };
    expect([page.items[0]?.sourceId, page.nextOffset]).toEqual(['+SUM(A1:A9)', null]);
    const viewer = await sign({ roles: ['viewer'] });
    expect(
      (
        await send(
          'GET',
          `/${PROJECT}/passes/${PASS}/report`,
          undefined,
          await sign({ roles: ['migration-operator'], org: OTHER_ORG }),
        )
      ).status,
    ).toBe(404);
    expect((await send('GET', `/${PROJECT}/passes/${PASS}/report`, undefined, viewer)).status).toBe(200);
  });

  it('exports the mapping as CSV in pages, with the header the import takes, and lists a page as JSON', async () => {
    const csv = await send('GET', `/${PROJECT}/mappings?format=csv`);
    expect(csv.headers.get('content-disposition')).toBe(
      `attachment; filename="ferry-mapping-${PROJECT}.csv"`,
    );
    const lines = (await csv.text()).trimEnd().split('\r\n');
    expect([lines[0], lines.length, lines[1]]).toEqual([
      'source_address,target_address',
      1501,
      'u0000@source.example,u0@target.example',
    ]);
    const page = (await (await send('GET', `/${PROJECT}/mappings?offset=10&limit=5`)).json()) as {
      items: { sourceAddress: string }[];
      total: number;
    };
    expect([page.total, page.items.map((m) => m.sourceAddress)[0], page.items.length]).toEqual([
      1500,
      'u0010@source.example',
      5,
    ]);
    expect((await send('GET', `/${PROJECT}/mappings?limit=5000`)).status).toBe(400);
  });
});
