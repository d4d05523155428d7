import { createServer, connect as tcpConnect, type AddressInfo, type Server } from 'node:net';
import { Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { createTestDatabase, type TestDatabase } from '@ferry/platform/testing';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { DatabaseConnectionService } from './database-connection.service';
import { DatabaseReadinessProbe } from './database-readiness.probe';
import { CreateWidget1700000000001, Widget } from './fixtures/widget-migrations.fixture';
import type { PersistenceLogger } from './persistence.logger';
import { PersistenceModule } from './persistence.module';
import type { PersistenceModuleOptions } from './persistence-module.options';

const PASSWORD = 'never-log-this-pw';
const fastRetry = { initialDelayMs: 40, maxDelayMs: 150 };

let db: TestDatabase;
let app: INestApplicationContext | undefined;
let proxy: Server | undefined;
let lines: string[];

const logger: PersistenceLogger = {
  log: (m) => void lines.push(`log ${m}`),
  warn: (m) => void lines.push(`warn ${m}`),
  error: (m) => void lines.push(`error ${m}`),
};

/** The test database's URL, with a password (trust auth ignores it) and the given port. */
function urlOn(port: number): string {
  const url = new URL(db.url);
  url.password = PASSWORD;
  url.port = String(port);
  return url.toString();
}

async function boot(
  options: Partial<PersistenceModuleOptions> & { url: string },
): Promise<INestApplicationContext> {
  @Module({
    imports: [
      PersistenceModule.forService({
        service: 'connectors',
        entities: [Widget],
        migrations: [CreateWidget1700000000001],
        logger,
        retry: fastRetry,
        ...options,
      }),
    ],
  })
  class AppModule {}
  app = await NestFactory.createApplicationContext(AppModule, { logger: false });
  return app;
}

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline)
      throw new Error(`condition not met within ${timeoutMs} ms; log:\n${lines.join('\n')}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

/** A TCP forwarder to the real server: the database "comes up" when it starts listening. */
async function forwardToPostgres(port: number): Promise<Server> {
  const server = createServer((inbound) => {
    const upstream = tcpConnect(5432, '127.0.0.1');
    inbound.pipe(upstream).pipe(inbound);
    inbound.on('error', () => upstream.destroy());
    upstream.on('error', () => inbound.destroy());
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return server;
}

async function sessionsOf(appPrefix: string): Promise<number> {
  const client = new Client({ connectionString: db.url });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND application_name LIKE $2',
      [db.name, `${appPrefix}%`],
    );
    return rows[0]!.n;
  } finally {
    await client.end();
  }
}

beforeEach(async () => {
  lines = [];
  db = await createTestDatabase('persistence_module');
});

afterEach(async () => {
  await app?.close();
  app = undefined;
  if (proxy) await new Promise((r) => proxy!.close(r));
  proxy = undefined;
  await db.drop();
});

it('boots without waiting, reports not-ready and logs what it waits for while the database is unreachable', async () => {
  const started = Date.now();
  const ctx = await boot({ url: urlOn(1) });
  expect(Date.now() - started).toBeLessThan(2_000);

  await until(() => lines.filter((l) => l.startsWith('warn waiting')).length >= 3);

  expect(ctx.get(DatabaseConnectionService).isReady()).toBe(false);
  await expect(ctx.get(DatabaseReadinessProbe).check()).resolves.toEqual({
    up: false,
    detail: `waiting for database at 127.0.0.1:1/${db.name}`,
  });
  expect(lines[0]).toMatch(
    new RegExp(
      `^warn waiting for database at 127\\.0\\.0\\.1:1/${db.name} \\(attempt 1, next in \\d+(\\.\\d+)?s\\): connect ECONNREFUSED`,
    ),
  );
  expect(lines[1]).toMatch(/\(attempt 2, next in /);
  for (const line of lines) {
    expect(line).not.toContain(PASSWORD);
    expect(line).not.toContain('postgres:');
  }
});

it('becomes ready, with migrations applied, once the database comes up', async () => {
  const port = await freePort();
  const ctx = await boot({ url: urlOn(port) });
  await until(() => lines.some((l) => l.startsWith('warn waiting')));
  expect(ctx.get(DatabaseConnectionService).isReady()).toBe(false);

  proxy = await forwardToPostgres(port);
  await ctx.get(DatabaseConnectionService).whenReady();

  expect(ctx.get(DatabaseConnectionService).isReady()).toBe(true);
  await expect(ctx.get(DatabaseReadinessProbe).check()).resolves.toEqual({ up: true });
  expect(lines).toContainEqual(
    `log connected to database at 127.0.0.1:${port}/${db.name}; schema connectors: applied 1 migration(s): CreateWidget1700000000001`,
  );
  const widgets = ctx.get(DataSource).getRepository(Widget);
  await widgets.save({ label: 'ready' });
  expect(await widgets.count()).toBe(1);
});

it('destroys the DataSource and closes its connections at shutdown', async () => {
  const ctx = await boot({ url: db.url, applicationName: 'ferry-shutdown-test' });
  await ctx.get(DatabaseConnectionService).whenReady();
  const dataSource = ctx.get(DataSource);
  expect(await sessionsOf('ferry-shutdown-test')).toBeGreaterThan(0);

  await ctx.close();
  app = undefined;

  expect(dataSource.isInitialized).toBe(false);
  expect(ctx.get(DatabaseConnectionService).isReady()).toBe(false);
  // Backends exit a moment after their sockets close.
  let open = await sessionsOf('ferry-shutdown-test');
  for (let i = 0; open > 0 && i < 50; i += 1) {
    await new Promise((r) => setTimeout(r, 20));
    open = await sessionsOf('ferry-shutdown-test');
  }
  expect(open).toBe(0);
});

it('takes its options from injected providers with forServiceAsync', async () => {
  const DB_URL = Symbol('DB_URL');
  @Module({ providers: [{ provide: DB_URL, useValue: db.url }], exports: [DB_URL] })
  class ConfigModule {}
  @Module({
    imports: [
      PersistenceModule.forServiceAsync({
        imports: [ConfigModule],
        inject: [DB_URL],
        useFactory: (url: string) => ({ url, service: 'identity', entities: [], migrations: [], logger }),
      }),
    ],
  })
  class AsyncAppModule {}
  app = await NestFactory.createApplicationContext(AsyncAppModule, { logger: false });

  await app.get(DatabaseConnectionService).whenReady();

  expect(lines).toContainEqual(
    `log connected to database at 127.0.0.1:5432/${db.name}; schema identity: up to date`,
  );
});

it('shuts down promptly while still waiting for the database', async () => {
  const ctx = await boot({ url: urlOn(1), retry: { initialDelayMs: 10_000, maxDelayMs: 30_000 } });
  await until(() => lines.length > 0);
  const waiting = ctx.get(DatabaseConnectionService).whenReady();

  const started = Date.now();
  await ctx.close();
  app = undefined;

  expect(Date.now() - started).toBeLessThan(1_000);
  await expect(waiting).rejects.toThrow(/shut down before the database was ready/);
  expect(ctx.get(DataSource).isInitialized).toBe(false);
});
