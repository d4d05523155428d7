import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installSpanCapture, type SpanCapture } from '@ferry/platform/testing';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { NdjsonFileSpanExporter, type SpanRecord } from './ndjson-file-span.exporter';

describe('NdjsonFileSpanExporter', () => {
  let dir: string;
  let capture: SpanCapture;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ferry-trace-'));
    capture = installSpanCapture();
  });
  afterEach(() => capture.reset());
  afterAll(async () => {
    await capture.uninstall();
    rmSync(dir, { recursive: true, force: true });
  });

  async function twoSpans() {
    const tracer = trace.getTracer('t');
    tracer.startActiveSpan(
      'handle request',
      { kind: SpanKind.SERVER, attributes: { 'http.route': '/x' } },
      (parent) => {
        const child = tracer.startSpan('query', { kind: SpanKind.CLIENT });
        child.addEvent('retry', { attempt: 2 });
        child.setStatus({ code: SpanStatusCode.ERROR, message: 'timeout' });
        child.end();
        parent.end();
      },
    );
    return capture.finished();
  }

  function exportTo(
    exporter: NdjsonFileSpanExporter,
    spans: Awaited<ReturnType<typeof twoSpans>>,
  ): Promise<ExportResult> {
    return new Promise((resolve) => exporter.export(spans, resolve));
  }

  it('writes one JSON object per line with ids, names, times, status and attributes', async () => {
    const file = join(dir, 'one.ndjson');
    const exporter = new NdjsonFileSpanExporter(file);
    const spans = await twoSpans();
    expect((await exportTo(exporter, spans)).code).toBe(ExportResultCode.SUCCESS);
    await exporter.shutdown();

    const text = readFileSync(file, 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    const [child, parent] = text
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as SpanRecord);
    expect(parent).toEqual(
      expect.objectContaining({
        name: 'handle request',
        kind: 'SERVER',
        parentSpanId: null,
        status: { code: 'UNSET' },
        attributes: { 'http.route': '/x' },
      }),
    );
    expect(child).toEqual(
      expect.objectContaining({
        name: 'query',
        kind: 'CLIENT',
        traceId: parent?.traceId,
        parentSpanId: parent?.spanId,
        status: { code: 'ERROR', message: 'timeout' },
        events: [expect.objectContaining({ name: 'retry', attributes: { attempt: 2 } })],
      }),
    );
    expect(child?.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(child?.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(Date.parse(child?.endTime ?? '')).toBeGreaterThanOrEqual(Date.parse(child?.startTime ?? ''));
    expect(child?.durationMs).toBeGreaterThanOrEqual(0);
    expect(typeof child?.service).toBe('string');
  });

  it('appends to an existing file instead of truncating it', async () => {
    const file = join(dir, 'append.ndjson');
    writeFileSync(file, '{"earlier":true}\n');
    const exporter = new NdjsonFileSpanExporter(file);
    await exportTo(exporter, await twoSpans());
    await exporter.shutdown();
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(JSON.parse(lines[0] ?? '')).toEqual({ earlier: true });
  });

  it('keeps batches in the order they were handed over', async () => {
    const file = join(dir, 'order.ndjson');
    const exporter = new NdjsonFileSpanExporter(file);
    const spans = await twoSpans();
    const results = await Promise.all([
      exportTo(exporter, [spans[0]!]),
      exportTo(exporter, [spans[1]!]),
      exportTo(exporter, [spans[0]!]),
    ]);
    await exporter.shutdown();
    expect(results.map((r) => r.code)).toEqual([
      ExportResultCode.SUCCESS,
      ExportResultCode.SUCCESS,
      ExportResultCode.SUCCESS,
    ]);
    const names = readFileSync(file, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => (JSON.parse(l) as SpanRecord).name);
    expect(names).toEqual(['query', 'handle request', 'query']);
  });

  it('refuses to export after shutdown', async () => {
    const exporter = new NdjsonFileSpanExporter(join(dir, 'closed.ndjson'));
    await exporter.shutdown();
    expect((await exportTo(exporter, await twoSpans())).code).toBe(ExportResultCode.FAILED);
  });

  it('fails at construction when the file cannot be opened', () => {
    expect(() => new NdjsonFileSpanExporter(join(dir, 'missing-dir', 'x.ndjson'))).toThrow(/ENOENT/);
  });
});
