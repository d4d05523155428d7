import { FakeProbe } from './testing/fake-probe.fixture';
import { type RunningHealthApp, startHealthApp } from './testing/health-app.fixture';

describe('GET /health/live', () => {
  let running: RunningHealthApp;

  afterEach(async () => {
    await running.app.close();
  });

  it('answers 200 without asking any probe, even when dependencies are down or hung', async () => {
    const down = FakeProbe.down('database', 'connection refused');
    const hung = FakeProbe.hanging('nats');
    running = await startHealthApp({
      providers: [
        { provide: 'db', useValue: down },
        { provide: 'nats', useValue: hung },
      ],
      probes: ['db', 'nats'],
    });
    const { status, headers, body } = await running.get('/health/live');
    expect(status).toBe(200);
    expect(body).toEqual({ status: 'ok' });
    expect(headers.get('cache-control')).toBe('no-store');
    expect(down.calls + hung.calls).toBe(0);
  });
});
