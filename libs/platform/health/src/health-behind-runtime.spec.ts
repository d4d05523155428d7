import { createHttpApp, listen } from '@ferry/platform/runtime';
import type { INestApplication } from '@nestjs/common';
import { FakeProbe } from './testing/fake-probe.fixture';
import { getJson, healthAppModule } from './testing/health-app.fixture';
import { RecordingLogger } from '@ferry/platform/testing';

describe('HealthModule inside a hardened Ferry app', () => {
  let app: INestApplication;

  afterEach(async () => {
    await app.close();
  });

  it('keeps the 503 readiness body that the app-wide filter would hide for a thrown 5xx', async () => {
    const module = healthAppModule({
      providers: [{ provide: 'db', useValue: FakeProbe.down('database', 'connecting') }],
      probes: ['db'],
    });
    app = await createHttpApp(module, { logger: new RecordingLogger(), bodyLimitBytes: 1024 });
    const { port } = await listen(app, { host: '127.0.0.1', port: 0 });
    const { status, headers, body } = await getJson(`http://127.0.0.1:${port}/health/ready`);
    expect(status).toBe(503);
    expect(body).toMatchObject({ details: { database: { status: 'down', detail: 'connecting' } } });
    expect(headers.get('x-content-type-options')).toBe('nosniff');
  });
});
