import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SpanKind, trace } from '@opentelemetry/api';
import type { SpanRecord } from './ndjson-file-span.exporter';
import { startTelemetry } from './telemetry.bootstrap';

const ADDRESS = 'grace.planted@example.com';
const TOKEN = 'tok-Pl4nted-file-export';

// The whole pipeline as a service runs it: SDK -> batch processor -> redaction -> NDJSON file.
describe('startTelemetry with FERRY_TRACE_FILE', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-telemetry-'));
  const file = join(dir, 'traces.ndjson');
  const telemetry = startTelemetry({
    serviceName: 'file-export-spec',
    env: {
      FERRY_TRACE_FILE: file,
      FERRY_PSEUDONYM_KEY: Buffer.alloc(32, 3).toString('base64'),
      FERRY_REGION: 'weu',
    },
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes redacted spans as NDJSON and flushes them on shutdown', async () => {
    expect(telemetry.exporters).toEqual(['file']);
    const span = trace.getTracer('spec').startSpan(`sync mailbox ${ADDRESS}`, { kind: SpanKind.CONSUMER });
    span.setAttributes({
      'url.full': `https://api.example/u?mail=${ADDRESS}&token=${TOKEN}`,
      authorization: `Bearer ${TOKEN}`,
    });
    span.end();
    await telemetry.shutdown(3000);

    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain(ADDRESS);
    expect(text).not.toContain(TOKEN);
    const records = text
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as SpanRecord);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ service: 'file-export-spec', kind: 'CONSUMER' });
    expect(records[0]?.name).toMatch(/^sync mailbox u_[a-z2-7]{20}$/);
    expect(records[0]?.attributes['authorization']).toBe('[redacted]');
  });
});
