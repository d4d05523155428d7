import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, freePort, startPrivateNatsServer, type PrivateNatsServer, type TestDatabase } from '@ferry/platform/testing';
import { baseEnv, httpStatus, spawnService, until } from './service-process';

describe('a service process at start-up and shutdown', () => {
  it('exits 78 naming every bad or missing setting, without echoing values', async () => {
    const svc = spawnService('freebusy', baseEnv({ HTTP_PORT: '99999', FERRY_PSEUDONYM_KEY: 'c2hvcnQ=' }));
    expect(await svc.exited).toBe(78);
    expect(svc.output()).toMatch(/Invalid environment variables/);
    expect(svc.output()).toContain('NATS_URL');
    expect(svc.output()).toContain('HTTP_PORT');
    expect(svc.output()).toContain('FERRY_PSEUDONYM_KEY');
    expect(svc.output()).not.toContain('c2hvcnQ=');
  });

  describe('with its dependencies down', () => {
    let nats: PrivateNatsServer;
    let database: TestDatabase;
    let keyDir: string;
    let signingKey: string;

    beforeAll(async () => {
      // The audit service signs its chain with a key file, which it checks at start.
      keyDir = mkdtempSync(join(tmpdir(), 'boot-audit-key-'));
      signingKey = join(keyDir, 'audit-signing.key.pem');
      writeFileSync(signingKey, generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
      nats = await startPrivateNatsServer();
      await nats.kill();
      database = await createTestDatabase('boot');
    });
    afterAll(async () => {
      await nats.dispose();
      await database.drop();
      rmSync(keyDir, { recursive: true, force: true });
    });

    it('stays live, reports not ready and says what it waits for, then becomes ready and drains on SIGTERM', async () => {
      const port = await freePort();
      const closedDbPort = await freePort();
      const svc = spawnService(
        'audit',
        baseEnv({
          NATS_URL: nats.url,
          HTTP_PORT: String(port),
          DATABASE_URL: database.url.replace(/:5432\//, `:${closedDbPort}/`),
          FERRY_AUDIT_SIGNING_KEY_FILE: signingKey,
        }),
      );
      try {
        await until('the HTTP listener', async () => (await httpStatus(`http://127.0.0.1:${port}/health/live`)) === 200);
        expect(await httpStatus(`http://127.0.0.1:${port}/health/ready`)).toBe(503);
        await until('the waiting log lines', () => /waiting for NATS/.test(svc.output()) && /waiting for database/i.test(svc.output()));
        expect(svc.output()).not.toMatch(/postgres:\/\/[^@\s]*:[^@\s]*@/); // no credentials in logs
      } finally {
        svc.child.kill('SIGTERM');
        expect(await svc.exited).toBe(0);
      }

      await nats.restart();
      const healthy = spawnService('audit', baseEnv({ NATS_URL: nats.url, HTTP_PORT: String(port), DATABASE_URL: database.url, FERRY_AUDIT_SIGNING_KEY_FILE: signingKey }));
      await until('readiness', async () => (await httpStatus(`http://127.0.0.1:${port}/health/ready`)) === 200);
      const started = Date.now();
      healthy.child.kill('SIGTERM');
      expect(await healthy.exited).toBe(0);
      expect(Date.now() - started).toBeLessThan(5000);
      expect(healthy.output()).toMatch(/Received SIGTERM/);
    }, 90_000);
  });
});
