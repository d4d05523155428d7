import { Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ReadinessRegistry } from './readiness.registry';
import type { ProbeResult } from './readiness-probe.interface';
import { FakeProbe } from './testing/fake-probe.fixture';
import { healthAppModule, type RunningHealthApp, startHealthApp } from './testing/health-app.fixture';

/** Shaped like persistence's probe: a provider that is the probe. */
@Injectable()
class DatabaseReadinessProbe {
  readonly name = 'database';
  check(): Promise<ProbeResult> {
    return Promise.resolve({ up: false, detail: 'migrations pending' });
  }
}

/** Shaped like messaging's client: a provider that holds its probe as `.probe`. */
@Injectable()
class MessagingClient {
  readonly probe = FakeProbe.up('nats');
}

/** Boots the app as `listen()` would (init runs the lifecycle hooks) and returns what it threw. */
async function bootError(module: new () => unknown): Promise<Error> {
  const app = await NestFactory.create(module, { logger: false, abortOnError: false });
  try {
    await app.init();
  } catch (error) {
    return error as Error;
  } finally {
    await app.close();
  }
  throw new Error('expected the boot to fail');
}

describe('HealthModule probe wiring', () => {
  let running: RunningHealthApp | undefined;

  afterEach(async () => {
    await running?.app.close();
    running = undefined;
  });

  it('resolves probes and probe holders by class from other modules', async () => {
    running = await startHealthApp({
      providers: [DatabaseReadinessProbe, MessagingClient],
      probes: [MessagingClient, DatabaseReadinessProbe],
    });
    const { status, body } = await running.get('/health/ready');
    expect(status).toBe(503);
    expect(body).toMatchObject({
      details: { nats: { status: 'up' }, database: { status: 'down', detail: 'migrations pending' } },
    });
  });

  it('checks probes registered at run time through the injected ReadinessRegistry', async () => {
    const late = FakeProbe.down('search-index', 'rebuilding');
    @Injectable()
    class SearchIndex {
      constructor(registry: ReadinessRegistry) {
        registry.register(late);
      }
    }
    @Module({ providers: [SearchIndex] })
    class SearchModule {}
    running = await startHealthApp({ imports: [SearchModule] });
    const { status, body } = await running.get('/health/ready');
    expect(status).toBe(503);
    expect(body).toMatchObject({ details: { 'search-index': { status: 'down', detail: 'rebuilding' } } });
  });

  it('fails the boot with a clear error when a listed probe is not provided', async () => {
    const module = healthAppModule({ providers: [], probes: [DatabaseReadinessProbe] });
    await expect(bootError(module)).resolves.toThrow(
      'HealthModule probe DatabaseReadinessProbe is not provided by any module; import the module that provides it',
    );
  });

  it('fails the boot when a listed provider is neither a probe nor a holder of one', async () => {
    const module = healthAppModule({
      providers: [{ provide: 'config', useValue: { port: 1 } }],
      probes: ['config'],
    });
    await expect(bootError(module)).resolves.toThrow(
      'HealthModule probe config is neither a ReadinessProbe nor an object holding one as .probe',
    );
  });

  it('fails the boot when two probes share a name', async () => {
    const module = healthAppModule({
      providers: [
        { provide: 'a', useValue: FakeProbe.up('database') },
        { provide: 'b', useValue: FakeProbe.up('database') },
      ],
      probes: ['a', 'b'],
    });
    await expect(bootError(module)).resolves.toThrow(
      'ReadinessRegistry.register: a probe named "database" is already registered',
    );
  });

  it('answers 200 when the service has no probes', async () => {
    running = await startHealthApp({});
    const { status, body } = await running.get('/health/ready');
    expect(status).toBe(200);
    expect(body).toMatchObject({ status: 'ok', details: {} });
  });
});
