// A minimal traced service for telemetry-process.int-spec: run in its own Node process (the SDK
// patches modules process-wide), it starts telemetry first, then serves and calls itself over http
// with an address and a token in the URL, shuts telemetry down within FIXTURE_SHUTDOWN_MS and
// prints how long that took as JSON on stdout.
import { startTelemetry } from '../telemetry.bootstrap';

const telemetry = startTelemetry({ serviceName: 'traced-process', serviceVersion: '0.0.1' });

async function main(): Promise<void> {
  // Loaded only after startTelemetry, as a service's main.ts does through its first import.
  const http = await import('node:http');
  const server = http.createServer((_req, res) => res.writeHead(204).end());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const path = `/users/${process.env['FIXTURE_ADDRESS'] ?? ''}?access_token=${process.env['FIXTURE_TOKEN'] ?? ''}`;
  await new Promise<void>((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path }, (res) => res.resume().on('end', resolve)).on('error', reject);
  });
  await new Promise<void>((resolve) => server.close(() => resolve()));
  const started = Date.now();
  await telemetry.shutdown(Number(process.env['FIXTURE_SHUTDOWN_MS'] ?? '5000'));
  process.stdout.write(`${JSON.stringify({ shutdownMs: Date.now() - started })}\n`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
