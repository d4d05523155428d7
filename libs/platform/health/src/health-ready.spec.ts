import { FakeProbe } from './testing/fake-probe.fixture';
import { type RunningHealthApp, startHealthApp } from './testing/health-app.fixture';

const NATS = Symbol('nats probe');
const DATABASE = Symbol('database probe');

describe('GET /health/ready', () => {
  let running: RunningHealthApp | undefined;

  async function start(
    nats: FakeProbe,
    database: FakeProbe,
    probeTimeoutMs?: number,
  ): Promise<RunningHealthApp> {
    running = await startHealthApp({
      providers: [
        { provide: NATS, useValue: nats },
        { provide: DATABASE, useValue: database },
      ],
      probes: [NATS, DATABASE],
      probeTimeoutMs,
    });
    return running;
  }

  afterEach(async () => {
    await running?.app.close();
    running = undefined;
  });

  it('answers 200 with every probe up', async () => {
    const app = await start(FakeProbe.up('nats'), FakeProbe.up('database'));
    const { status, body } = await app.get('/health/ready');
    expect(status).toBe(200);
    expect(body).toMatchObject({
      status: 'ok',
      details: { nats: { status: 'up' }, database: { status: 'up' } },
    });
  });

  it('answers 503 with each probe status and detail when one is down', async () => {
    const app = await start(
      FakeProbe.up('nats'),
      FakeProbe.down('database', 'waiting for database at db:5432/ferry'),
    );
    const { status, body } = await app.get('/health/ready');
    expect(status).toBe(503);
    expect(body).toMatchObject({
      status: 'error',
      details: {
        nats: { status: 'up' },
        database: { status: 'down', detail: 'waiting for database at db:5432/ferry' },
      },
      error: { database: { status: 'down' } },
    });
  });

  it('counts a throwing probe as down without showing its error message', async () => {
    const failure = Object.assign(new Error('login failed for postgres://ferry:s3cret@db/ferry'), {
      code: 'ECONNREFUSED',
    });
    const app = await start(FakeProbe.up('nats'), FakeProbe.throwing('database', failure));
    const response = await fetch(`${app.baseUrl}/health/ready`);
    const text = await response.text();
    expect(response.status).toBe(503);
    expect(JSON.parse(text)).toMatchObject({
      details: { database: { status: 'down', detail: 'probe failed; see the service log' } },
    });
    expect(text).not.toContain('s3cret');
    expect(app.logger.at('warn')).toContain(
      'Readiness probe "database" threw Error (ECONNREFUSED) Readiness',
    );
    expect(app.logger.entries.map((entry) => entry.text).join('\n')).not.toContain('s3cret');
  });

  it('counts a probe that hangs past the timeout as down and answers soon after the timeout', async () => {
    const app = await start(FakeProbe.up('nats'), FakeProbe.hanging('database'), 200);
    const started = Date.now();
    const { status, body } = await app.get('/health/ready');
    const elapsed = Date.now() - started;
    expect(status).toBe(503);
    expect(body).toMatchObject({
      details: { database: { status: 'down', detail: 'no answer within 200 ms' } },
    });
    expect(elapsed).toBeGreaterThanOrEqual(190);
    expect(elapsed).toBeLessThan(1_500);
  });

  it('masks connection strings, credentials and addresses in probe details', async () => {
    const detail = 'cannot reach nats://admin:hunter2@nats:4222 as ops@example.com; Password=hunter2';
    const app = await start(FakeProbe.down('nats', detail), FakeProbe.up('database'));
    const response = await fetch(`${app.baseUrl}/health/ready`);
    const text = await response.text();
    expect(response.status).toBe(503);
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('ops@example.com');
    expect(JSON.parse(text)).toMatchObject({
      details: { nats: { detail: 'cannot reach [url] as [address]; Password=[redacted]' } },
    });
  });

  it('counts a probe that answers without { up } as down', async () => {
    const broken = new FakeProbe('database', () => Promise.resolve(undefined as never));
    const app = await start(FakeProbe.up('nats'), broken);
    const { status, body } = await app.get('/health/ready');
    expect(status).toBe(503);
    expect(body).toMatchObject({
      details: { database: { status: 'down', detail: 'probe returned no { up } result' } },
    });
  });

  it('runs each probe once for concurrent polls', async () => {
    const slow = new FakeProbe(
      'database',
      () => new Promise((resolve) => setTimeout(() => resolve({ up: true }), 100)),
    );
    const app = await start(FakeProbe.up('nats'), slow);
    const answers = await Promise.all(Array.from({ length: 5 }, () => app.get('/health/ready')));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200]);
    expect(slow.calls).toBe(1);
  });

  it('asks the probes again on the next poll', async () => {
    const database = FakeProbe.down('database', 'connecting');
    const app = await start(FakeProbe.up('nats'), database);
    expect((await app.get('/health/ready')).status).toBe(503);
    database.answerWith(() => Promise.resolve({ up: true }));
    expect((await app.get('/health/ready')).status).toBe(200);
    expect(database.calls).toBe(2);
  });

  it('logs readiness changes once, not on every poll', async () => {
    const database = FakeProbe.down('database', 'connecting');
    const app = await start(FakeProbe.up('nats'), database);
    await app.get('/health/ready');
    await app.get('/health/ready');
    database.answerWith(() => Promise.resolve({ up: true }));
    await app.get('/health/ready');
    await app.get('/health/ready');
    const readinessLines = app.logger.entries.filter((entry) => entry.text.endsWith(' Readiness'));
    expect(readinessLines).toEqual([
      { level: 'warn', text: 'Service is not ready: database (connecting) Readiness' },
      { level: 'log', text: 'Service is ready (ok) Readiness' },
    ]);
  });

  it('tells caches not to store the answer', async () => {
    const app = await start(FakeProbe.up('nats'), FakeProbe.up('database'));
    const { headers } = await app.get('/health/ready');
    expect(headers.get('cache-control')).toBe('no-store');
  });
});
