// A service process in miniature for query-telemetry.int-spec: telemetry first (NDJSON file exporter),
// then a pino logger and a service DataSource on the test PostgreSQL, then one "request" span in which
// queries fail with a planted token and a planted address and one succeeds. Prints the request's trace
// id as a line `{"fixtureTraceId":...}`; every other stdout line is a log line.
import { trace } from '@opentelemetry/api';
import { createLogger, NestPinoLogger, Pseudonymizer, startTelemetry } from '@ferry/platform/telemetry';

const telemetry = startTelemetry({ serviceName: 'traced-queries' });

async function main(): Promise<void> {
  // The data source (and pg) load only after startTelemetry, as a service's main.ts does through its first import.
  const { createServiceDataSource } = await import('../service-data-source.factory');
  const env = (name: string) => process.env[name] ?? '';
  const pseudonymizer = Pseudonymizer.fromBase64(env('FERRY_PSEUDONYM_KEY'));
  const logger = new NestPinoLogger(createLogger({ service: 'traced-queries', pseudonymizer }));
  const dataSource = createServiceDataSource({
    url: env('FIXTURE_DATABASE_URL'),
    service: 'traced_queries',
    entities: [],
    migrations: [],
    logger,
  });
  await dataSource.initialize();
  const token = env('FIXTURE_TOKEN');
  const address = env('FIXTURE_ADDRESS');
  const traceId = await trace.getTracer('fixture').startActiveSpan('request', async (span) => {
    // A parameter the server quotes back in its error: `invalid input syntax for type uuid: "<token>"`.
    await dataSource.query('SELECT $1::uuid AS id', [token]).catch(() => undefined);
    // A literal written into the statement text, which the server's error quotes too.
    await dataSource.query(`SELECT '${address}'::int AS n`).catch(() => undefined);
    await dataSource.query('SELECT 1 AS ok');
    logger.log('request handled', 'Fixture');
    span.end();
    return span.spanContext().traceId;
  });
  await dataSource.destroy();
  await telemetry.shutdown();
  process.stdout.write(`${JSON.stringify({ fixtureTraceId: traceId })}\n`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
