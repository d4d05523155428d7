import { Controller, Get, Injectable, Module, type OnModuleDestroy } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { EventEmitter } from 'node:events';
import { installShutdown, type ShutdownOptions, type ShutdownProcess } from './graceful-shutdown.bootstrap';
import { createHttpApp } from './http-app.factory';
import { listen } from './listen.bootstrap';
import { RecordingLogger } from '@ferry/platform/testing';

/** Stands in for `process`: signals are emitted by the test, exits are recorded. */
class FakeProcess extends EventEmitter implements ShutdownProcess {
  readonly exitCodes: number[] = [];
  private onExit: (code: number) => void = () => undefined;
  readonly exited = new Promise<number>((resolve) => (this.onExit = resolve));

  exit(code: number): void {
    this.exitCodes.push(code);
    this.onExit(code);
  }
}

/** A promise the test resolves by hand, to hold a hook or a request open. */
function gate(): { readonly wait: Promise<void>; open(): void } {
  let open = (): void => undefined;
  const wait = new Promise<void>((resolve) => (open = resolve));
  return { wait, open };
}

/** What happened, in order, across the app and the test. */
const events: string[] = [];
let destroyGate = gate();
let hangDestroy = false;
let requestArrived = gate();
let requestGate = gate();

@Injectable()
class DrainingService implements OnModuleDestroy {
  async onModuleDestroy(): Promise<void> {
    events.push('onModuleDestroy started');
    if (hangDestroy) await destroyGate.wait;
    events.push('onModuleDestroy finished');
  }
}

@Controller()
class SlowController {
  @Get('slow')
  async slow(): Promise<{ done: true }> {
    requestArrived.open();
    await requestGate.wait;
    events.push('slow request answered');
    return { done: true };
  }
}

@Module({ controllers: [SlowController], providers: [DrainingService] })
class ShutdownFixtureModule {}

describe('installShutdown', () => {
  let app: NestExpressApplication;
  let baseUrl: string;
  let logger: RecordingLogger;
  let fake: FakeProcess;

  async function start(options: Partial<ShutdownOptions> = {}): Promise<void> {
    app = await createHttpApp(ShutdownFixtureModule, { logger, bodyLimitBytes: 1024 });
    const { port } = await listen(app, { host: '127.0.0.1', port: 0 });
    baseUrl = `http://127.0.0.1:${port}`;
    installShutdown(app, { timeoutMs: 2_000, logger, process: fake, ...options });
  }

  beforeEach(() => {
    events.length = 0;
    hangDestroy = false;
    destroyGate = gate();
    requestArrived = gate();
    requestGate = gate();
    logger = new RecordingLogger();
    fake = new FakeProcess();
  });

  afterEach(async () => {
    // Release whatever a test held open so the app can finish closing.
    destroyGate.open();
    requestGate.open();
    await app.close();
  });

  it('exits 0 after a clean close, having run the shutdown hooks', async () => {
    await start();
    fake.emit('SIGTERM', 'SIGTERM');
    expect(await fake.exited).toBe(0);
    expect(events).toEqual(['onModuleDestroy started', 'onModuleDestroy finished']);
    expect(logger.at('log')).toContain('Received SIGTERM; shutting down within 2000 ms Shutdown');
  });

  it('stops accepting connections once a signal arrives', async () => {
    await start();
    fake.emit('SIGINT', 'SIGINT');
    expect(await fake.exited).toBe(0);
    await expect(fetch(`${baseUrl}/slow`)).rejects.toThrow();
  });

  it('lets an in-flight request finish before the shutdown hooks run', async () => {
    await start();
    const inFlight = fetch(`${baseUrl}/slow`);
    await requestArrived.wait;
    const signalled = Date.now();
    fake.emit('SIGTERM', 'SIGTERM');
    setTimeout(() => requestGate.open(), 100);
    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(await fake.exited).toBe(0);
    expect(events).toEqual(['slow request answered', 'onModuleDestroy started', 'onModuleDestroy finished']);
    // fetch keeps the connection alive; shutdown must not wait out the 65 s keep-alive timeout.
    expect(Date.now() - signalled).toBeLessThan(1_000);
  });

  it('exits 1 after the timeout when an onModuleDestroy hook hangs, naming the hook', async () => {
    hangDestroy = true;
    await start({ timeoutMs: 300 });
    const started = Date.now();
    fake.emit('SIGTERM', 'SIGTERM');
    expect(await fake.exited).toBe(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(logger.at('error')).toEqual([
      expect.stringContaining(
        'Shutdown exceeded 300 ms while running Nest shutdown hooks; waiting on DrainingService.onModuleDestroy',
      ),
    ]);
  });

  it('exits 1 after the timeout when a request never finishes, naming the HTTP stage', async () => {
    await start({ timeoutMs: 300 });
    const hung = fetch(`${baseUrl}/slow`).catch(() => undefined);
    await requestArrived.wait;
    fake.emit('SIGTERM', 'SIGTERM');
    expect(await fake.exited).toBe(1);
    expect(logger.at('error')[0]).toContain('Shutdown exceeded 300 ms while draining HTTP requests');
    expect(events).not.toContain('onModuleDestroy started');
    requestGate.open();
    await hung;
  });

  it('exits 1 at once on a second signal during shutdown', async () => {
    hangDestroy = true;
    await start({ timeoutMs: 5_000 });
    fake.emit('SIGTERM', 'SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 50));
    fake.emit('SIGINT', 'SIGINT');
    expect(await fake.exited).toBe(1);
    expect(fake.exitCodes).toEqual([1]);
    expect(logger.at('warn')).toContain(
      'Received SIGINT again during shutdown; exiting with code 1 Shutdown',
    );
  });

  it('runs onSignal first and still closes the app when it fails, then exits 1', async () => {
    await start({
      onSignal: (signal) => {
        events.push(`onSignal ${signal}`);
        throw new Error('telemetry flush failed');
      },
    });
    fake.emit('SIGTERM', 'SIGTERM');
    expect(await fake.exited).toBe(1);
    expect(events).toEqual(['onSignal SIGTERM', 'onModuleDestroy started', 'onModuleDestroy finished']);
    expect(logger.at('error')[0]).toContain('onSignal callback failed: Error: telemetry flush failed');
  });

  it('stops listening for signals when uninstalled', async () => {
    await start();
    const uninstall = installShutdown(app, { timeoutMs: 1_000, logger, process: fake });
    expect(fake.listenerCount('SIGTERM')).toBe(2);
    uninstall();
    expect(fake.listenerCount('SIGTERM')).toBe(1);
    expect(fake.listenerCount('SIGINT')).toBe(1);
  });

  it('rejects a non-positive timeout', async () => {
    await start();
    expect(() => installShutdown(app, { timeoutMs: 0, logger, process: fake })).toThrow(
      'installShutdown: timeoutMs must be a positive whole number; got 0',
    );
  });
});
