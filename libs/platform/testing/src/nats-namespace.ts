import { randomBytes } from 'node:crypto';
import { connect } from 'nats';

/** The NATS server integration tests use (the one every development machine runs). */
export const TEST_NATS_URL = process.env['FERRY_TEST_NATS_URL'] ?? 'nats://127.0.0.1:4222';

/**
 * A per-run installation prefix, so a test's streams and subjects never meet another run's.
 * `cleanup()` deletes every stream the run created.
 */
export function natsTestNamespace(label = 't'): { prefix: string; cleanup(): Promise<void> } {
  const prefix = `${label.toLowerCase().replace(/[^a-z0-9]/g, '').slice(0, 12)}${randomBytes(5).toString('hex')}`;
  return {
    prefix,
    async cleanup() {
      const nc = await connect({ servers: TEST_NATS_URL });
      try {
        const jsm = await nc.jetstreamManager();
        const streamPrefix = `${prefix.toUpperCase()}_`;
        for await (const name of jsm.streams.names()) {
          if (name.startsWith(streamPrefix)) await jsm.streams.delete(name);
        }
      } finally {
        await nc.close();
      }
    },
  };
}
