import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startOtlpReceiver } from './otlp-receiver';
import { type PlatformProcess, startPlatformProcess } from './platform-process';

const SECRET = `e2e-planted-secret-${randomUUID()}`;

async function eventually<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('the walking skeleton across seven service processes', () => {
  let platform: PlatformProcess;
  let otlp: Awaited<ReturnType<typeof startOtlpReceiver>>;
  let stateDir: string;
  let api: string;
  const org = randomUUID();

  beforeAll(async () => {
    otlp = await startOtlpReceiver();
    stateDir = mkdtempSync(join(tmpdir(), 'ferry-e2e-'));
    platform = await startPlatformProcess({
      FERRY_STATE_DIR: stateDir,
      OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url,
      OTEL_BSP_SCHEDULE_DELAY: '200',
    });
    api = `${platform.gateway}/api/v1`;
  }, 180_000);

  afterAll(async () => {
    await platform?.stop();
    await otlp?.close();
    rmSync(stateDir, { recursive: true, force: true });
  }, 60_000);

  let connectorId = '';

  it('creates a connector through the gateway and answers with metadata only', async () => {
    const res = await fetch(`${api}/orgs/${org}/connectors`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Contoso', kind: 'microsoft-365', secret: SECRET }),
    });
    const text = await res.text();
    expect(res.status).toBe(201);
    expect(text).not.toContain(SECRET);
    const body = JSON.parse(text) as { id: string; orgId: string; kind: string; secretFingerprint: string };
    expect(body).toMatchObject({ orgId: org, kind: 'microsoft-365' });
    expect(body.secretFingerprint).toMatch(/^[0-9a-f]{16}$/);
    connectorId = body.id;
    const list = (await (await fetch(`${api}/orgs/${org}/connectors`)).json()) as { items: { id: string }[] };
    expect(list.items.map((c) => c.id)).toEqual([connectorId]);
  });

  it('records the change in the audit trail, readable through the gateway', async () => {
    const record = await eventually('the audit record', async () => {
      const body = (await (await fetch(`${api}/orgs/${org}/audit`)).json()) as { items: { action: string; target: { id: string }; traceId: string }[] };
      return body.items.find((i) => i.action === 'connector.created');
    });
    expect(record.target.id).toBe(connectorId);
    expect(record.traceId).toMatch(/^[0-9a-f]{32}$/);
  });

  it('exports one trace spanning gateway, connectors and audit', async () => {
    const body = (await (await fetch(`${api}/orgs/${org}/audit`)).json()) as { items: { traceId: string }[] };
    const traceId = body.items[0]!.traceId;
    const services = await eventually('spans from three services', async () => {
      const s = new Set(otlp.spans.filter((x) => x.traceId === traceId).map((x) => x.service));
      return ['gateway', 'connectors', 'audit'].every((n) => s.has(n)) ? s : undefined;
    });
    expect([...services]).toEqual(expect.arrayContaining(['gateway', 'connectors', 'audit']));
  });

  it('answers malformed and oversized bodies with 400 and 413 and a reason', async () => {
    const malformed = await fetch(`${api}/orgs/${org}/connectors`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":' });
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { message: string }).message).toMatch(/malformed json/i);
    const huge = await fetch(`${api}/orgs/${org}/connectors`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'x', kind: 'imap', secret: 'y'.repeat(2 * 1024 * 1024) }),
    });
    expect(huge.status).toBe(413);
    const unknownField = await fetch(`${api}/orgs/${org}/connectors`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'x', kind: 'imap', secret: 'y', extra: 1 }),
    });
    expect(unknownField.status).toBe(400);
    const badOrg = await fetch(`${api}/orgs/not-a-uuid/connectors`);
    expect(badOrg.status).toBe(400);
  });

  it('keeps the planted secret out of every exported span and log line', () => {
    expect(otlp.bodies.length).toBeGreaterThan(0);
    for (const body of otlp.bodies) expect(body).not.toContain(SECRET);
    const logs = readdirSync(join(stateDir, 'logs')).map((f) => readFileSync(join(stateDir, 'logs', f), 'utf8'));
    expect(logs.join('').length).toBeGreaterThan(0);
    for (const log of logs) expect(log).not.toContain(SECRET);
    expect(platform.output()).not.toContain(SECRET);
  });

  it('stops every process cleanly on Ctrl-C', async () => {
    const code = await platform.stop();
    expect(code).toBe(0);
    expect(platform.output()).not.toMatch(/exited unexpectedly/);
  }, 60_000);
});
