#!/usr/bin/env node
// Shows traces from the NDJSON span files of a platform on this machine (`npm start`, `npm run demo`).
//   node scripts/telemetry/trace.mjs [--all]          the latest traces: id, start, root span, services
//                                                     (--all: single-span traces of background work too)
//   node scripts/telemetry/trace.mjs <trace-id>       one trace as a span tree (service, name, duration)
//   node scripts/telemetry/trace.mjs <trace-id> --attributes   ... with each span's (redacted) attributes
// Options: --dir <folder> (default $FERRY_STATE_DIR/traces, else .ferry/traces), --limit <n> (list, default 20).
// An audit record's traceId is the id to give; a trace's spans carry the audit publish as
// `publish audit.v1.events` and the audit service's `process audit.v1.events`.
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { printTree, readSpans, summariseTraces } from './span-files.mjs';

const root = resolve(import.meta.dirname, '..', '..');
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    dir: { type: 'string' },
    limit: { type: 'string', default: '20' },
    attributes: { type: 'boolean', default: false },
    all: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  console.log(
    'usage: node scripts/telemetry/trace.mjs [<trace-id>] [--attributes] [--all] [--dir <traces folder>] [--limit <n>]',
  );
  process.exit(0);
}
const dir = resolve(values.dir ?? join(process.env.FERRY_STATE_DIR ?? join(root, '.ferry'), 'traces'));
const [traceId] = positionals;

if (traceId !== undefined) {
  if (!/^[0-9a-f]{32}$/.test(traceId)) {
    console.error(`trace: "${traceId}" is not a trace id (32 lower-case hex digits)`);
    process.exit(2);
  }
  const spans = readSpans(dir, traceId);
  if (spans.length === 0) {
    console.error(`trace: no span of ${traceId} in ${dir}`);
    process.exit(1);
  }
  const [summary] = summariseTraces(spans);
  console.log(
    `trace ${traceId}: ${spans.length} spans, ${summary.services.join(' -> ')}, from ${summary.startTime}`,
  );
  printTree(spans, { attributes: values.attributes });
} else {
  // A query or poll outside any request is a trace of one span; those bury the requests unless asked for.
  const traces = summariseTraces(readSpans(dir)).filter((t) => values.all || t.spans > 1);
  if (traces.length === 0) {
    console.error(`trace: no spans in ${dir} (start the platform with npm start or npm run demo first)`);
    process.exit(1);
  }
  for (const t of traces.slice(0, Number(values.limit))) {
    console.log(
      `${t.traceId}  ${t.startTime}  ${String(t.spans).padStart(4)} spans  ${(t.root?.name ?? '?').padEnd(50)} ${t.services.join(',')}`,
    );
  }
  console.log(
    `${traces.length} traces in ${dir}; show one with: node scripts/telemetry/trace.mjs <trace-id>`,
  );
}
