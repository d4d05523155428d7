// Reads the NDJSON span files a platform on this machine writes (FERRY_TRACE_FILE, one per service:
// <state dir>/traces/<service>.ndjson) and prints a trace as a tree. Used by `npm run demo` and by
// scripts/telemetry/trace.mjs.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Every span in the directory's `*.ndjson` files, or only those of `traceId`. */
export function readSpans(dir, traceId) {
  if (!existsSync(dir)) return [];
  const spans = [];
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.ndjson'))
    .sort()) {
    for (const line of readFileSync(join(dir, file), 'utf8').split('\n')) {
      if (line === '' || (traceId && !line.includes(traceId))) continue;
      try {
        const span = JSON.parse(line);
        if (!traceId || span.traceId === traceId)
          spans.push({ ...span, service: span.service ?? file.replace(/\.ndjson$/, '') });
      } catch {
        // a partly written last line
      }
    }
  }
  return spans;
}

/** The traces in `spans`, newest first: id, root span, start, services, span count. */
export function summariseTraces(spans) {
  const byTrace = new Map();
  for (const s of spans) byTrace.set(s.traceId, [...(byTrace.get(s.traceId) ?? []), s]);
  return [...byTrace.entries()]
    .map(([traceId, members]) => {
      const ids = new Set(members.map((s) => s.spanId));
      const roots = members.filter((s) => !ids.has(s.parentSpanId)).sort(byStart);
      return {
        traceId,
        root: roots[0],
        startTime: roots[0]?.startTime ?? '',
        services: [...new Set(members.sort(byStart).map((s) => s.service))],
        spans: members.length,
      };
    })
    .sort((a, b) => b.startTime.localeCompare(a.startTime));
}

const byStart = (a, b) => String(a.startTime).localeCompare(String(b.startTime));

const HTTP_METHOD = /^(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS)$/;

/** What a span did, in a few words: its name, plus the (redacted) URL of an HTTP call or a query's text. */
function what(span) {
  const a = span.attributes ?? {};
  const url = a['url.full'] ?? a['http.url'];
  if (HTTP_METHOD.test(span.name) && typeof url === 'string') return `${span.name} ${url}`;
  const sql = a['db.query.text'] ?? a['db.statement'];
  if (typeof sql === 'string') return `${span.name}: ${sql.length > 70 ? `${sql.slice(0, 70)}...` : sql}`;
  return span.name;
}

function describe(span, withAttributes) {
  const status =
    span.status?.code === 'ERROR' ? ` ERROR${span.status.message ? ` (${span.status.message})` : ''}` : '';
  const ms = typeof span.durationMs === 'number' ? ` ${span.durationMs.toFixed(1)} ms` : '';
  const attributes =
    withAttributes && Object.keys(span.attributes ?? {}).length > 0
      ? ` ${JSON.stringify(span.attributes)}`
      : '';
  return `${what(span)}${ms}${status}${attributes}`;
}

/**
 * Prints `spans` (one trace) as a tree, children under their parent in start order; a span whose
 * parent is not in the files (not exported yet, or sampled out) is shown at the top level.
 */
export function printTree(spans, { log = console.log, indent = '', attributes = false } = {}) {
  const ids = new Set(spans.map((s) => s.spanId));
  const children = new Map();
  for (const s of spans) {
    const key = ids.has(s.parentSpanId) ? s.parentSpanId : 'root';
    children.set(key, [...(children.get(key) ?? []), s]);
  }
  const width = Math.max(7, ...spans.map((s) => s.service.length));
  const walk = (key, depth) => {
    for (const s of (children.get(key) ?? []).sort(byStart)) {
      log(`${indent}${s.service.padEnd(width)} ${'  '.repeat(depth)}${describe(s, attributes)}`);
      walk(s.spanId, depth + 1);
    }
  };
  walk('root', 0);
}
