import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';
import { type ProcessRun, runTypeScriptProcess } from '@ferry/platform/testing';

const ADDRESS = 'ivan.planted@example.com';
const TOKEN = 'tok-Pl4nted-process';
const KEY = Buffer.alloc(32, 12).toString('base64');
const FIXTURE = join(__dirname, 'testing', 'traced-process.fixture.ts');

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: { key: string; value: { stringValue?: string } }[];
}
interface OtlpBody {
  resourceSpans: {
    resource: { attributes: { key: string; value: { stringValue?: string } }[] };
    scopeSpans: { spans: OtlpSpan[] }[];
  }[];
}

/** A loopback collector stand-in: records each OTLP/HTTP body; answers, or never does when `hang`. */
async function collector(hang: boolean): Promise<{ url: string; bodies: string[]; close(): Promise<void> }> {
  const bodies: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      bodies.push(Buffer.concat(chunks).toString('utf8'));
      if (!hang) res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  server.on('connection', (s) => sockets.add(s));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    bodies,
    close: async () => {
      sockets.forEach((s) => s.destroy());
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Runs the fixture service in a fresh Node process and returns its exit code and output. */
function runFixture(env: Record<string, string>): Promise<ProcessRun> {
  return runTypeScriptProcess(FIXTURE, {
    FIXTURE_ADDRESS: ADDRESS,
    FIXTURE_TOKEN: TOKEN,
    FERRY_PSEUDONYM_KEY: KEY,
    ...env,
  });
}

describe('a service process with telemetry started first', () => {
  it('exports redacted http server and client spans of one trace to the OTLP endpoint', async () => {
    const otlp = await collector(false);
    try {
      const run = await runFixture({ OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url, FERRY_REGION: 'weu' });
      expect(run).toEqual(expect.objectContaining({ code: 0, stderr: '' }));

      const all = otlp.bodies.join('\n');
      expect(all).not.toContain(ADDRESS);
      expect(all).not.toContain(encodeURIComponent(ADDRESS));
      expect(all).not.toContain(TOKEN);

      const payloads = otlp.bodies.map((b) => JSON.parse(b) as OtlpBody);
      const spans = payloads.flatMap((p) =>
        p.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans)),
      );
      const server = spans.find((s) => s.kind === 2);
      const client = spans.find((s) => s.kind === 3);
      expect(server).toBeDefined();
      expect(client).toBeDefined();
      expect(server?.traceId).toBe(client?.traceId);
      expect(server?.parentSpanId).toBe(client?.spanId);
      const url = client?.attributes.find((a) => a.key === 'url.full' || a.key === 'http.url')?.value
        .stringValue;
      expect(url).toMatch(/\/users\/u_[a-z2-7]{20}\?access_token=\[redacted\]$/);

      const resource = Object.fromEntries(
        payloads[0]!.resourceSpans[0]!.resource.attributes.map((a) => [a.key, a.value.stringValue]),
      );
      expect(resource).toEqual(
        expect.objectContaining({
          'service.name': 'traced-process',
          'service.version': '0.0.1',
          'cloud.region': 'weu',
        }),
      );
    } finally {
      await otlp.close();
    }
  }, 30_000);

  it('shuts down within its bound when the collector never answers', async () => {
    const otlp = await collector(true);
    try {
      const run = await runFixture({ OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url, FIXTURE_SHUTDOWN_MS: '800' });
      expect(run.code).toBe(0);
      const { shutdownMs } = JSON.parse(run.stdout) as { shutdownMs: number };
      expect(shutdownMs).toBeGreaterThanOrEqual(700);
      expect(shutdownMs).toBeLessThan(2500);
    } finally {
      await otlp.close();
    }
  }, 30_000);
});
